// The chart's RBAC against what the operator really does: the operator CLI runs with the
// Deployment's rendered arguments and environment against the test API server, brings stacks up
// and deletes them, and every request it made must be allowed by the rendered ClusterRole and
// Role (through their bindings). The rendered rules must also equal what the code declares
// (`elwosa-operator rbac`): nothing missing, nothing extra.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { freePort } from '../../../test-support/ports.ts';
import { operatorRbac } from '../../src/controller/rbac.js';
import type { RecordedRequest, TestApiServer } from '../../src/testing/api-server.js';
import {
  cloudNativePgCrd,
  conditionOf,
  createStack,
  installCrd,
  monitoringCrds,
  startTestCluster,
  waitFor,
} from '../../src/testing/cluster.js';
import { buildOperator } from '../support/build.js';
import { readRepoFile, repoPath } from '../support/fixtures.js';
import { stackOf } from '../support/operator.js';
import { find, type Manifest, NAMESPACE, template } from './helm.js';

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}
interface Access {
  group: string;
  resource: string;
  verb: string;
  namespace: string | undefined;
}

/** The RBAC attributes of a request, as the API server's request-info resolver derives them. */
export function accessOf(
  r: Pick<RecordedRequest, 'method' | 'path' | 'watch'>,
): Access | { nonResource: string } {
  const seg = r.path.split('/').filter(Boolean);
  const [root] = seg;
  const rest = root === 'api' ? seg.slice(2) : root === 'apis' ? seg.slice(3) : [];
  if (rest.length === 0) return { nonResource: r.path };
  const group = root === 'apis' ? (seg[1] as string) : '';
  let namespace: string | undefined;
  let parts = rest;
  if (rest[0] === 'namespaces' && rest.length > 2) {
    namespace = rest[1];
    parts = rest.slice(2);
  }
  const [plural, name, sub] = parts as [string, string | undefined, string | undefined];
  const resource = sub ? `${plural}/${sub}` : plural;
  const verb =
    r.method === 'GET'
      ? name
        ? 'get'
        : r.watch
          ? 'watch'
          : 'list'
      : ({ POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: name ? 'delete' : 'deletecollection' }[
          r.method
        ] ?? r.method.toLowerCase());
  return { group, resource, verb, namespace };
}

const grants = (rules: Rule[], a: Access) =>
  rules.some(
    (r) =>
      (r.apiGroups.includes(a.group) || r.apiGroups.includes('*')) &&
      (r.resources.includes(a.resource) || r.resources.includes('*')) &&
      (r.verbs.includes(a.verb) || r.verbs.includes('*')),
  );

/** Whether the rendered RBAC lets the ServiceAccount make this request. */
function allowedBy(objects: Manifest[], serviceAccount: string, a: Access): boolean {
  const bound = (binding: Manifest, roleKind: string, roleName: string) => {
    const b = binding as Manifest & {
      roleRef: { kind: string; name: string };
      subjects: { kind: string; name: string; namespace?: string }[];
    };
    return (
      b.roleRef.kind === roleKind &&
      b.roleRef.name === roleName &&
      b.subjects.some(
        (s) => s.kind === 'ServiceAccount' && s.name === serviceAccount && s.namespace === NAMESPACE,
      )
    );
  };
  for (const role of objects.filter((o) => o.kind === 'ClusterRole')) {
    const viaCluster = objects.some(
      (o) => o.kind === 'ClusterRoleBinding' && bound(o, 'ClusterRole', role.metadata.name),
    );
    if (viaCluster && grants((role as Manifest & { rules: Rule[] }).rules, a)) return true;
  }
  for (const role of objects.filter((o) => o.kind === 'Role')) {
    if (a.namespace !== role.metadata.namespace) continue;
    const viaRole = objects.some(
      (o) =>
        o.kind === 'RoleBinding' &&
        o.metadata.namespace === a.namespace &&
        bound(o, 'Role', role.metadata.name),
    );
    if (viaRole && grants((role as Manifest & { rules: Rule[] }).rules, a)) return true;
  }
  return false;
}

/** (group, resource, verb) triples of a rule list. */
const triples = (rules: Rule[]) =>
  new Set(
    rules.flatMap((r) =>
      r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${g}|${res}|${v}`))),
    ),
  );

interface Run {
  objects: Manifest[];
  server: TestApiServer;
  output: string;
}
const children = new Set<ChildProcess>();
const servers: TestApiServer[] = [];

/**
 * Renders the chart with `values`, runs the operator CLI with the Deployment's arguments and
 * environment against a fresh test API server, creates the stacks, waits for `up`, deletes the
 * stacks in `finalized` namespaces and waits for their finalizers, then stops the operator.
 */
async function runWithChart(
  values: object,
  stacks: { file: string; namespace: string; mutate?: (s: { spec: unknown }) => void }[],
  up: (server: TestApiServer) => boolean,
  finalized: string[],
): Promise<Run> {
  const objects = await template(values);
  const cluster = await startTestCluster({ readyDelayMs: 5, capacity: { 'nvidia.com/gpu': 0 } });
  const server = cluster.server;
  servers.push(server);
  for (const crd of [...monitoringCrds(), cloudNativePgCrd()]) installCrd(server.store, crd);

  const dir = mkdtempSync(path.join(tmpdir(), 'elwosa-rbac-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'test', cluster: { server: server.url, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'test', user: { token: 'test' } }],
      contexts: [{ name: 'test', context: { cluster: 'test', user: 'test' } }],
      'current-context': 'test',
    }),
  );
  // The container exactly as rendered, except a free probe port on this shared machine.
  const container = (
    find(objects, 'Deployment').spec as {
      template: { spec: { containers: { args: string[]; env: { name: string; value?: string }[] }[] } };
    }
  ).template.spec.containers[0]!;
  const probePort = await freePort();
  const args = container.args.map((a) => (a.startsWith('--probe-port=') ? `--probe-port=${probePort}` : a));
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: dir, KUBECONFIG: kubeconfig };
  for (const e of container.env) env[e.name] = e.value ?? (e.name === 'POD_NAMESPACE' ? NAMESPACE : '');
  const child = spawn(process.execPath, [repoPath('operator', 'bin', 'elwosa-operator.js'), ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const run: Run = { objects, server, output: '' };
  child.stdout?.on('data', (d) => {
    run.output += d;
  });
  child.stderr?.on('data', (d) => {
    run.output += d;
  });

  for (const stack of stacks)
    createStack(server.store, readRepoFile('examples', stack.file), (s) => {
      (s.metadata as { namespace: string }).namespace = stack.namespace;
      stack.mutate?.(s as { spec: unknown });
    });
  await waitFor(() => up(server), 45_000, `the stacks to come up\n${run.output}`, 50);
  const stackType = server.store.resourceType('elwosa.io', 'v1alpha1', 'elwosastacks')!;
  for (const ns of finalized)
    for (const s of server.store.list(stackType, ns))
      server.store.delete(stackType, ns, (s.metadata as { name: string }).name);
  await waitFor(
    () => finalized.every((ns) => server.store.list(stackType, ns).length === 0),
    30_000,
    `the stacks to be finalized\n${run.output}`,
    50,
  );
  // Graceful shutdown releases the Lease (an update).
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  children.delete(child);
  return run;
}

const readyIn = (server: TestApiServer, name: string, ns: string) =>
  conditionOf(stackOf(server, name, ns), 'Ready')?.status === 'True';
const gpuReportedIn = (server: TestApiServer, ns: string) =>
  conditionOf(stackOf(server, 'prod', ns), 'InferenceReady')?.reason === 'GpuUnschedulable';
const dashboardsTo = (namespace: string) => (s: { spec: unknown }) => {
  s.spec = { ...(s.spec as object), monitoring: { grafanaDashboards: { enabled: true, namespace } } };
};

/** Requests the rendered RBAC denies (with the namespace each was made in), and what was seen. */
function audit(run: Run) {
  const sa = (find(run.objects, 'Deployment').spec as { template: { spec: { serviceAccountName: string } } })
    .template.spec.serviceAccountName;
  const denied = new Set<string>();
  const discovery = new Set<string>();
  const seen = new Set<string>();
  const namespaces = new Set<string>();
  for (const r of run.server.requests) {
    const a = accessOf(r);
    if ('nonResource' in a) {
      discovery.add(`${r.method} ${a.nonResource}`);
      continue;
    }
    seen.add(`${a.verb} ${a.group}/${a.resource}`);
    namespaces.add(a.namespace ?? '(cluster)');
    if (!allowedBy(run.objects, sa, a))
      denied.add(`${a.verb} ${a.group}/${a.resource} in ${a.namespace ?? '(cluster)'}`);
  }
  return { denied, discovery, seen, namespaces };
}

/** Watching all namespaces: three stacks in three namespaces, dashboards into Grafana's. */
let all: Run;
/** Watching team-a, team-b and monitoring: the same, and a stack in team-c that must be ignored. */
let listed: Run;
const WATCHED = ['team-a', 'team-b', 'monitoring'];

beforeAll(async () => {
  await buildOperator();
  // Three stacks in three namespaces: dashboards into Grafana's namespace, GPU pods that cannot
  // be scheduled, CloudNativePG, external data stores; then every stack is deleted (finalizer).
  [all, listed] = await Promise.all([
    runWithChart(
      {},
      [
        { file: 'kind.yaml', namespace: 'team-a', mutate: dashboardsTo('monitoring') },
        { file: 'gpu.yaml', namespace: 'team-b' },
        { file: 'external-db.yaml', namespace: 'team-c' },
      ],
      (server) => readyIn(server, 'dev', 'team-a') && gpuReportedIn(server, 'team-b'),
      ['team-a', 'team-b', 'team-c'],
    ),
    runWithChart(
      { watchNamespaces: WATCHED },
      [
        { file: 'kind.yaml', namespace: 'team-a', mutate: dashboardsTo('monitoring') },
        { file: 'gpu.yaml', namespace: 'team-b' },
        { file: 'kind.yaml', namespace: 'team-c' },
      ],
      (server) => readyIn(server, 'dev', 'team-a') && gpuReportedIn(server, 'team-b'),
      ['team-a', 'team-b'],
    ),
  ]);
}, 120_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(servers.map((s) => s.stop()));
});

describe('chart RBAC', () => {
  it('allows every request the operator made while running with the chart’s arguments', () => {
    const { denied, discovery, seen } = audit(all);
    expect([...denied]).toEqual([]);
    // Discovery: GETs that Kubernetes' default system:discovery ClusterRole grants to every
    // authenticated user.
    for (const d of discovery) expect(d).toMatch(/^GET \/(version|apis?(\/[^/]+){0,2})$/);
    // The run exercised the interesting verbs: leader election, apply, status, events, cleanup.
    for (const expected of [
      'create coordination.k8s.io/leases',
      'update coordination.k8s.io/leases',
      'watch elwosa.io/elwosastacks',
      'patch elwosa.io/elwosastacks/status',
      'patch apps/statefulsets',
      'create events.k8s.io/events',
      'delete /configmaps',
      'watch /pods',
    ])
      expect(seen, expected).toContain(expected);
  });

  it('notices a request the chart does not grant', () => {
    const sa = 'elwosa-elwosa-operator';
    const deny = (method: string, p: string) => accessOf({ method, path: p, watch: false }) as Access;
    const { objects } = all;
    expect(allowedBy(objects, sa, deny('PATCH', '/apis/apps/v1/namespaces/x/deployments/d'))).toBe(true);
    expect(
      allowedBy(objects, sa, deny('DELETE', '/apis/elwosa.io/v1alpha1/namespaces/x/elwosastacks/s')),
    ).toBe(false);
    expect(
      allowedBy(objects, sa, deny('PUT', '/apis/coordination.k8s.io/v1/namespaces/other/leases/l')),
    ).toBe(false);
    expect(
      allowedBy(objects, sa, deny('PUT', `/apis/coordination.k8s.io/v1/namespaces/${NAMESPACE}/leases/l`)),
    ).toBe(true);
    expect(allowedBy(objects, sa, deny('DELETE', '/api/v1/namespaces/x/pods/p'))).toBe(false);
    expect(
      allowedBy(objects, 'someone-else', deny('PATCH', '/apis/apps/v1/namespaces/x/deployments/d')),
    ).toBe(false);
  });

  it('grants exactly what the code declares (`elwosa-operator rbac`), cluster-wide and for the Lease', () => {
    const [clusterRole, , role] = operatorRbac(NAMESPACE) as unknown as [
      { rules: Rule[] },
      unknown,
      { rules: Rule[] },
    ];
    const rendered = (kind: string) =>
      triples((find(all.objects, kind) as Manifest & { rules: Rule[] }).rules);
    expect([...rendered('ClusterRole')].sort()).toEqual([...triples(clusterRole.rules)].sort());
    expect([...rendered('Role')].sort()).toEqual([...triples(role.rules)].sort());
    expect(find(all.objects, 'Role').metadata.namespace).toBe(NAMESPACE);
  });
});

describe('chart RBAC with watchNamespaces', () => {
  it('runs the operator with the list and allows every request by the Role of its namespace', () => {
    const args = (
      find(listed.objects, 'Deployment').spec as { template: { spec: { containers: { args: string[] }[] } } }
    ).template.spec.containers[0]!.args;
    expect(args).toContain(`--watch-namespaces=${WATCHED.join(',')}`);
    const { denied, discovery, seen, namespaces } = audit(listed);
    expect([...denied]).toEqual([]);
    for (const d of discovery) expect(d).toMatch(/^GET \/(version|apis?(\/[^/]+){0,2})$/);
    // Only the watched namespaces and the Lease's: no cluster-wide list or watch.
    expect([...namespaces].sort()).toEqual([...WATCHED, NAMESPACE].sort());
    for (const expected of [
      'watch elwosa.io/elwosastacks',
      'patch elwosa.io/elwosastacks/status',
      'patch /configmaps',
      'delete /configmaps',
      'watch /pods',
      'update coordination.k8s.io/leases',
    ])
      expect(seen, expected).toContain(expected);
    // The dashboards went to the watched Grafana namespace (and were deleted with the stack).
    for (const method of ['PATCH', 'DELETE'])
      expect(
        listed.server.requests.some(
          (r) => r.method === method && r.path.startsWith('/api/v1/namespaces/monitoring/configmaps/'),
        ),
        method,
      ).toBe(true);
  });

  it('ignores a stack in a namespace it does not watch', () => {
    const ignored = stackOf(listed.server, 'dev', 'team-c') as
      | { metadata: { finalizers?: string[] }; status?: unknown }
      | undefined;
    expect(ignored).toBeDefined();
    expect(ignored?.status).toBeUndefined();
    expect(ignored?.metadata.finalizers ?? []).toEqual([]);
    expect(listed.server.requests.filter((r) => r.path.includes('/namespaces/team-c/'))).toEqual([]);
  });

  it('renders a Role and RoleBinding per watched namespace, no ClusterRole, as the code declares', () => {
    const { objects } = listed;
    expect(objects.filter((o) => o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding')).toEqual([]);
    const expected = operatorRbac(NAMESPACE, 'elwosa-operator', WATCHED) as unknown as (Manifest & {
      rules?: Rule[];
    })[];
    const summary = (list: (Manifest & { rules?: Rule[] })[]) =>
      list
        .filter((o) => o.kind === 'Role' || o.kind === 'RoleBinding')
        .map((o) => ({
          kind: o.kind,
          namespace: o.metadata.namespace,
          leader: o.metadata.name.endsWith('-leader-election'),
          rules: o.rules ? [...triples(o.rules)].sort() : undefined,
        }))
        .sort((a, b) =>
          `${a.kind}/${a.namespace}/${a.leader}`.localeCompare(`${b.kind}/${b.namespace}/${b.leader}`),
        );
    expect(summary(objects as never)).toEqual(summary(expected));
    const sa = 'elwosa-elwosa-operator';
    const access = (method: string, p: string) => accessOf({ method, path: p, watch: false }) as Access;
    expect(allowedBy(objects, sa, access('PATCH', '/apis/apps/v1/namespaces/team-a/deployments/d'))).toBe(
      true,
    );
    expect(allowedBy(objects, sa, access('PATCH', '/apis/apps/v1/namespaces/team-c/deployments/d'))).toBe(
      false,
    );
    expect(allowedBy(objects, sa, access('GET', '/apis/apps/v1/deployments'))).toBe(false);
  });
});

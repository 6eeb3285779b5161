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

let objects: Manifest[];
let server: TestApiServer;
let child: ChildProcess | undefined;
let output = '';

beforeAll(async () => {
  [objects] = await Promise.all([template({}), buildOperator()]);
  const cluster = await startTestCluster({ readyDelayMs: 5, capacity: { 'nvidia.com/gpu': 0 } });
  server = cluster.server;
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
  child = spawn(process.execPath, [repoPath('operator', 'bin', 'elwosa-operator.js'), ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });

  // Three stacks in three namespaces: dashboards into Grafana's namespace, GPU pods that cannot
  // be scheduled, CloudNativePG, external data stores; then every stack is deleted (finalizer).
  createStack(server.store, readRepoFile('examples', 'kind.yaml'), (s) => {
    (s.metadata as { namespace: string }).namespace = 'team-a';
    s.spec = {
      ...(s.spec as object),
      monitoring: { grafanaDashboards: { enabled: true, namespace: 'monitoring' } },
    };
  });
  createStack(server.store, readRepoFile('examples', 'gpu.yaml'), (s) => {
    (s.metadata as { namespace: string }).namespace = 'team-b';
  });
  createStack(server.store, readRepoFile('examples', 'external-db.yaml'), (s) => {
    (s.metadata as { namespace: string }).namespace = 'team-c';
  });
  const readyIn = (name: string, ns: string) =>
    conditionOf(stackOf(server, name, ns), 'Ready')?.status === 'True';
  const gpuReported = () =>
    conditionOf(stackOf(server, 'prod', 'team-b'), 'InferenceReady')?.reason === 'GpuUnschedulable';
  await waitFor(
    () => readyIn('dev', 'team-a') && gpuReported(),
    45_000,
    `the stacks to come up\n${output}`,
    50,
  );
  const stacks = server.store.resourceType('elwosa.io', 'v1alpha1', 'elwosastacks')!;
  for (const [ns, name] of [
    ['team-a', 'dev'],
    ['team-b', 'prod'],
    ['team-c', 'ext'],
  ] as const) {
    if (stackOf(server, name, ns)) server.store.delete(stacks, ns, name);
  }
  await waitFor(
    () => ['team-a', 'team-b', 'team-c'].every((ns) => server.store.list(stacks, ns).length === 0),
    30_000,
    `the stacks to be finalized\n${output}`,
    50,
  );
  // Graceful shutdown releases the Lease (an update).
  child.kill('SIGTERM');
  await new Promise((r) => child?.once('exit', r));
  child = undefined;
}, 120_000);

afterAll(async () => {
  child?.kill('SIGKILL');
  await server?.stop();
});

describe('chart RBAC', () => {
  it('allows every request the operator made while running with the chart’s arguments', () => {
    const sa = (find(objects, 'Deployment').spec as { template: { spec: { serviceAccountName: string } } })
      .template.spec.serviceAccountName;
    const denied = new Set<string>();
    const discovery = new Set<string>();
    const seen = new Set<string>();
    for (const r of server.requests) {
      const a = accessOf(r);
      if ('nonResource' in a) {
        // Discovery: GETs that Kubernetes' default system:discovery ClusterRole grants to every
        // authenticated user.
        discovery.add(`${r.method} ${a.nonResource}`);
        continue;
      }
      seen.add(`${a.verb} ${a.group}/${a.resource}`);
      if (!allowedBy(objects, sa, a))
        denied.add(`${a.verb} ${a.group}/${a.resource} in ${a.namespace ?? '(cluster)'}`);
    }
    expect([...denied]).toEqual([]);
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
    const rendered = (kind: string) => triples((find(objects, kind) as Manifest & { rules: Rule[] }).rules);
    expect([...rendered('ClusterRole')].sort()).toEqual([...triples(clusterRole.rules)].sort());
    expect([...rendered('Role')].sort()).toEqual([...triples(role.rules)].sort());
    expect(find(objects, 'Role').metadata.namespace).toBe(NAMESPACE);
  });
});

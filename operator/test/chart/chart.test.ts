// The Helm chart with the real helm binary: lint, render several value sets, validate every
// object (kubernetes-models and the unknown-field walker; the ElwosaStack against the chart's
// own CRD schema), and check what the Deployment, the CRD, the README and the schema promise.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { updateReadme, valueRows } from '../../../hack/chart-readme.mjs';
import { withDefaults } from '../../src/api/load.js';
import { validateAgainst } from '../../src/api/validate.js';
import { readRepoFile, repoPath } from '../support/fixtures.js';
import { validateWithModel } from '../support/models.js';
import { unknownFields } from '../support/unknown-fields.js';
import { CHART, find, lint, type Manifest, NAMESPACE, RELEASE, template, templateError } from './helm.js';
import { VALUE_SETS } from './value-sets.js';

type Container = {
  name: string;
  args: string[];
  env: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
  ports: { name: string; containerPort: number }[];
  resources: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext: Record<string, unknown> & { capabilities?: { drop?: string[]; add?: string[] } };
  startupProbe: { httpGet: { path: string; port: string } };
  livenessProbe: { httpGet: { path: string; port: string } };
  readinessProbe: { httpGet: { path: string; port: string } };
  volumeMounts: { name: string; mountPath: string }[];
  image: string;
};
type PodSpec = {
  serviceAccountName: string;
  securityContext: { runAsNonRoot?: boolean; runAsUser?: number; seccompProfile?: { type: string } };
  containers: Container[];
  hostNetwork?: boolean;
  hostPID?: boolean;
  volumes: { name: string; emptyDir?: object }[];
};
const podSpec = (objects: Manifest[]) =>
  (find(objects, 'Deployment').spec as { template: { spec: PodSpec } }).template.spec;

const MEBI = 1024 * 1024;
function bytes(q: string): number {
  const m = /^([0-9.]+)(Ki|Mi|Gi|k|M|G)?$/.exec(q);
  if (!m) throw new Error(`unparsed quantity ${q}`);
  const unit = { Ki: 1024, Mi: MEBI, Gi: 1024 * MEBI, k: 1e3, M: 1e6, G: 1e9 }[m[2] ?? ''] ?? 1;
  return Number(m[1]) * unit;
}

/** The CRD file(s) of the repository, parsed. */
const repoCrd = parse(readRepoFile('crds', 'elwosa.io_elwosastacks.yaml')) as Manifest & {
  spec: { versions: { schema: { openAPIV3Schema: object } }[] };
};

describe('chart: helm lint and template', () => {
  it.each(VALUE_SETS.map((s) => [s.name, s] as const))('lint --strict passes: %s', async (_name, set) => {
    expect(await lint(set.values)).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
  });

  it.each(VALUE_SETS.map((s) => [s.name, s] as const))(
    'renders valid objects and only the expected kinds: %s',
    async (_name, set) => {
      const objects = await template(set.values, set.args);
      expect(objects.map((o) => o.kind).sort()).toEqual([...set.kinds].sort());
      for (const o of objects) {
        const where = `${o.kind} ${o.metadata.name}`;
        if (o.kind === 'ElwosaStack') {
          // The stack against the schema of the CRD the chart installs (types, bounds, unknown fields, CEL).
          const crd = find(objects, 'CustomResourceDefinition') as typeof repoCrd;
          const schema = crd.spec.versions[0]!.schema.openAPIV3Schema;
          // Defaulted first, as the API server does before it validates.
          expect(validateAgainst(schema as never, withDefaults(o, o.metadata.namespace)), where).toEqual([]);
          continue;
        }
        expect(() => validateWithModel(o), where).not.toThrow();
        expect(unknownFields(o), where).toEqual([]);
        const namespaced = !['CustomResourceDefinition', 'ClusterRole', 'ClusterRoleBinding'].includes(
          o.kind,
        );
        expect(namespaced ? [NAMESPACE, ...(set.namespaces ?? [])] : [undefined], where).toContain(
          o.metadata.namespace,
        );
        expect(o.metadata.labels?.['app.kubernetes.io/managed-by'], where).toBe('Helm');
      }
    },
  );

  it('the validators reject a typo field and a wrong type (they are not blind)', async () => {
    const objects = await template({});
    const deployment = structuredClone(find(objects, 'Deployment'));
    (deployment.spec as { template: { spec: { containers: { imagePullPolicyy?: string }[] } } }).template.spec
      .containers[0]!.imagePullPolicyy = 'Always';
    expect(unknownFields(deployment).join()).toMatch(/imagePullPolicyy: unknown field/);
    const role = structuredClone(find(objects, 'Role')) as Manifest & { rules: { verbs: unknown }[] };
    role.rules[0]!.verbs = 'get';
    expect(() => validateWithModel(role)).toThrow();
  });
});

describe('chart: the operator Deployment', () => {
  it('runs the operator restricted, probed, sized for Node and with leader election', async () => {
    const objects = await template({});
    const spec = podSpec(objects);
    const [c] = spec.containers;
    expect(spec.containers).toHaveLength(1);
    // Restricted Pod Security Standard.
    expect(spec.securityContext.runAsNonRoot).toBe(true);
    expect(spec.securityContext.runAsUser).toBeGreaterThan(0);
    expect(spec.securityContext.seccompProfile?.type).toBe('RuntimeDefault');
    expect(spec.hostNetwork ?? false).toBe(false);
    expect(spec.hostPID ?? false).toBe(false);
    expect(c!.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(c!.securityContext.capabilities?.add ?? []).toEqual([]);
    // A writable /tmp on the read-only root filesystem.
    expect(c!.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
    expect(spec.volumes.find((v) => v.name === 'tmp')?.emptyDir).toBeDefined();
    // Probes on the operator's probe server.
    const port = c!.ports.find((p) => p.name === 'metrics');
    expect(port?.containerPort).toBe(8080);
    expect(c!.args).toContain('--probe-port=8080');
    expect(c!.startupProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
    expect(c!.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
    expect(c!.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'metrics' });
    // Memory for Node.js, and the V8 flags docs/operator.md asks the image to set.
    expect(bytes(c!.resources.requests!.memory!)).toBeGreaterThanOrEqual(256 * MEBI);
    expect(bytes(c!.resources.limits!.memory!)).toBeGreaterThanOrEqual(256 * MEBI);
    const documented = /--max-semi-space-size=\d+ --max-old-space-size=\d+/.exec(
      readRepoFile('docs', 'operator.md'),
    );
    expect(documented).not.toBeNull();
    expect(c!.env.find((e) => e.name === 'NODE_OPTIONS')?.value).toBe(documented![0]);
    // Leader election in the release namespace.
    expect(c!.args[0]).toBe('run');
    expect(c!.args).toContain(`--lease-namespace=${NAMESPACE}`);
    expect(c!.args).toContain('--lease-name=elwosa-operator');
    expect(c!.env.find((e) => e.name === 'POD_NAMESPACE')?.valueFrom?.fieldRef?.fieldPath).toBe(
      'metadata.namespace',
    );
    expect(c!.image).toBe(
      `ghcr.io/elwosa/elwosa-operator:${JSON.parse(readRepoFile('operator', 'package.json')).version}`,
    );
    // The ServiceAccount the RBAC binds is the one the pods run as.
    expect(spec.serviceAccountName).toBe(find(objects, 'ServiceAccount').metadata.name);
    for (const kind of ['ClusterRoleBinding', 'RoleBinding']) {
      expect((find(objects, kind) as Manifest & { subjects: unknown[] }).subjects).toEqual([
        { kind: 'ServiceAccount', name: spec.serviceAccountName, namespace: NAMESPACE },
      ]);
    }
    // The metrics Service reaches the pods.
    const service = find(objects, 'Service') as Manifest & { spec: { selector: Record<string, string> } };
    const podLabels = (
      find(objects, 'Deployment').spec as { template: { metadata: { labels: Record<string, string> } } }
    ).template.metadata.labels;
    for (const [k, v] of Object.entries(service.spec.selector)) expect(podLabels[k], k).toBe(v);
  });

  it('accepts every argument it passes to `elwosa-operator run`', async () => {
    // The CLI's option parser is strict: an unknown flag would crash-loop the pod.
    const src = readFileSync(repoPath('operator', 'src', 'cli', 'run.ts'), 'utf8');
    const known = new Set([...src.matchAll(/'([a-z-]+)': \{ type:/g)].map((m) => `--${m[1]}`));
    const [, set] = [0, VALUE_SETS.find((s) => s.name.startsWith('RBAC off'))!];
    const watch = VALUE_SETS.find((s) => s.name.startsWith('watchNamespaces'))!;
    for (const values of [{}, set.values, watch.values]) {
      const [, ...args] = podSpec(await template(values)).containers[0]!.args;
      for (const arg of args) expect(known, arg).toContain(arg.split('=')[0]);
    }
  });

  it('refuses less than 256 Mi of memory and unknown values', async () => {
    expect(await templateError({ resources: { limits: { memory: '200Mi' } } })).toMatch(/below 256Mi/);
    expect(await templateError({ resources: { requests: { memory: '128Mi' }, limits: null } })).toMatch(
      /below 256Mi/,
    );
    expect(await templateError({ replicas: 2 })).toMatch(/additional properties 'replicas' not allowed/);
    expect(
      await templateError({ metrics: { service: { enabled: false }, serviceMonitor: { enabled: true } } }),
    ).toMatch(/needs metrics.service.enabled/);
    expect(await templateError({ watchNamespaces: ['team-a', 'Team_B'] })).toMatch(/watchNamespaces/);
    expect(await templateError({ watchNamespaces: ['team-a', 'team-a'] })).toMatch(/watchNamespaces/);
  });

  it('passes watchNamespaces to the operator, and nothing without it', async () => {
    const args = async (values: object) => podSpec(await template(values)).containers[0]!.args;
    expect((await args({})).some((a) => a.startsWith('--watch-namespaces'))).toBe(false);
    expect(await args({ watchNamespaces: ['team-a', 'monitoring'] })).toContain(
      '--watch-namespaces=team-a,monitoring',
    );
  });
});

describe('chart: the CRD', () => {
  it('is a byte-for-byte copy of crds/', () => {
    const repoFiles = readdirSync(repoPath('crds')).sort();
    const chartFiles = readdirSync(path.join(CHART, 'files', 'crds')).sort();
    expect(chartFiles).toEqual(repoFiles);
    for (const f of repoFiles) {
      expect(
        readFileSync(path.join(CHART, 'files', 'crds', f), 'utf8'),
        `${f}: cp crds/${f} charts/elwosa-operator/files/crds/`,
      ).toBe(readRepoFile('crds', f));
    }
  });

  it('renders crds/ unchanged apart from the release labels and the keep policy', async () => {
    const crd = find(await template({}), 'CustomResourceDefinition');
    expect(crd.spec).toEqual(repoCrd.spec);
    expect(crd.metadata.name).toBe(repoCrd.metadata.name);
    expect(crd.metadata.labels).toMatchObject({
      ...repoCrd.metadata.labels,
      'app.kubernetes.io/instance': RELEASE,
    });
    expect(crd.metadata.annotations).toEqual({ 'helm.sh/resource-policy': 'keep' });
    const notKept = find(await template({ crds: { keep: false } }), 'CustomResourceDefinition');
    expect(notKept.metadata.annotations).toBeUndefined();
    expect(
      (await template({ crds: { install: false } })).some((o) => o.kind === 'CustomResourceDefinition'),
    ).toBe(false);
  });

  it('is a template, not in the chart crds/ directory Helm never upgrades', () => {
    expect(readdirSync(CHART)).not.toContain('crds');
  });
});

describe('chart: the stack and the ServiceMonitor', () => {
  it('creates the ElwosaStack only when the cluster serves its API, and explains otherwise', async () => {
    expect(await templateError({ stack: { enabled: true } })).toMatch(
      /needs the ElwosaStack CRD in the cluster first/,
    );
    const set = VALUE_SETS.find((s) => s.name.startsWith('stack on'))!;
    const stack = find(await template(set.values, set.args), 'ElwosaStack');
    expect(stack.metadata).toMatchObject({ name: 'dev', namespace: 'default' });
    expect(stack.spec).toEqual((parse(readRepoFile('examples', 'kind.yaml')) as { spec: object }).spec);
    expect(await templateError({ stack: { enabled: true, name: 'Not_A_Name' } }, set.args)).toMatch(
      /stack\/name/,
    );
  });

  it('labels the ServiceMonitor and PrometheusRule for the Prometheus selectors, matching job labels', async () => {
    const set = VALUE_SETS.find((s) => s.name.startsWith('monitoring on'))!;
    const objects = await template(set.values);
    const sm = find(objects, 'ServiceMonitor') as Manifest & {
      spec: {
        jobLabel: string;
        selector: { matchLabels: Record<string, string> };
        endpoints: { port: string; path: string }[];
      };
    };
    const service = find(objects, 'Service') as Manifest & { spec: { ports: { name: string }[] } };
    expect(sm.metadata.labels?.release).toBe('monitoring');
    for (const [k, v] of Object.entries(sm.spec.selector.matchLabels))
      expect(service.metadata.labels?.[k], k).toBe(v);
    expect(sm.spec.endpoints[0]).toMatchObject({ port: 'metrics', path: '/metrics', honorLabels: true });
    expect(service.spec.ports.map((p) => p.name)).toContain('metrics');
    // The operator's alerts select the job label the ServiceMonitor gives the scraped series.
    const job = service.metadata.labels?.[sm.spec.jobLabel];
    const rule = find(objects, 'PrometheusRule') as Manifest & {
      metadata: { labels: Record<string, string> };
      spec: { groups: { rules: { expr: string }[] }[] };
    };
    expect(rule.metadata.labels.release).toBe('monitoring');
    for (const r of rule.spec.groups[0]!.rules) expect(r.expr).toContain(`job="${job}"`);
    expect(await templateError({ metrics: { prometheusRule: { enabled: true } } })).toMatch(
      /needs metrics.serviceMonitor.enabled/,
    );
  });
});

describe('chart: README and values.schema.json', () => {
  const valuesText = readFileSync(path.join(CHART, 'values.yaml'), 'utf8');
  const readme = readFileSync(path.join(CHART, 'README.md'), 'utf8');

  /** Every leaf path of values.yaml (maps are walked; lists and empty maps are leaves). */
  function leaves(value: unknown, prefix = ''): string[] {
    if (value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0)
      return Object.entries(value).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k));
    return [prefix];
  }

  it('has a row for every value in the README table', () => {
    const rows = new Set([...readme.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]));
    for (const leaf of leaves(parse(valuesText))) {
      const parts = leaf.split('.');
      const covered = parts.some((_, i) => rows.has(parts.slice(0, i + 1).join('.')));
      expect(covered, `${leaf} is missing from the README table (node hack/chart-readme.mjs)`).toBe(true);
    }
    expect(updateReadme(readme, valuesText), 'README.md is stale: node hack/chart-readme.mjs').toBe(readme);
  });

  it('the README check notices a value without a row', () => {
    const extra = `${valuesText}\n# -- A new value.\nnewValue: 1\n`;
    expect(valueRows(extra).map((r) => r.key)).toContain('newValue');
    expect(updateReadme(readme, extra)).not.toBe(readme);
    expect(() => valueRows(`${valuesText}\nundocumented: 1\n`)).toThrow(
      /undocumented: no "# --" description/,
    );
  });

  it('describes every top-level value in values.schema.json', () => {
    const schema = JSON.parse(readFileSync(path.join(CHART, 'values.schema.json'), 'utf8')) as {
      properties: Record<string, unknown>;
      additionalProperties: boolean;
    };
    expect(schema.additionalProperties).toBe(false);
    for (const key of Object.keys(parse(valuesText) as object))
      expect(Object.keys(schema.properties)).toContain(key);
  });
});

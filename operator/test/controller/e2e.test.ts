// The operator end to end against the test API server (simulated controllers, real HTTP).
import { afterEach, describe, expect, it } from 'vitest';
import type { Operator } from '../../src/controller/operator.js';
import type { TestApiServer } from '../../src/testing/api-server.js';
import {
  cloudNativePgCrd,
  conditionOf,
  createStack,
  installCrd,
  monitoringCrds,
  startTestCluster,
  waitFor,
} from '../../src/testing/cluster.js';
import type { KubeRecord } from '../../src/testing/fields.js';
import { readRepoFile } from '../support/fixtures.js';
import {
  reconcileWrites,
  settle,
  stackOf,
  startOperator,
  statusOf,
  waitForCondition,
} from '../support/operator.js';

const KIND_YAML = readRepoFile('examples', 'kind.yaml');

let server: TestApiServer;
const operators: Operator[] = [];

async function setup(simulation = {}) {
  const cluster = await startTestCluster({ readyDelayMs: 5, ...simulation });
  server = cluster.server;
  return cluster.kc;
}

afterEach(async () => {
  await Promise.all(operators.splice(0).map((o) => o.stop()));
  await server?.stop();
});

const type = (group: string, version: string, plural: string) => {
  const t = server.store.resourceType(group, version, plural);
  if (!t) throw new Error(`${plural} not served`);
  return t;
};
const names = (plural: string, group = '', version = 'v1', ns = 'default') =>
  server.store
    .list(type(group, version, plural), ns)
    .map((o) => (o.metadata as { name: string }).name)
    .sort();
const patchStack = (name: string, patch: KubeRecord) =>
  server.store.mergePatch(type('elwosa.io', 'v1alpha1', 'elwosastacks'), 'default', name, patch, {
    manager: 'kubectl',
  });
const firstIndex = (pred: (path: string, method: string) => boolean) =>
  server.requests.findIndex((r) => pred(r.path, r.method));

describe('operator end to end', () => {
  it('brings a stack up in order to Ready=True', async () => {
    const kc = await setup();
    operators.push(await startOperator(kc));
    createStack(server.store, KIND_YAML);
    await waitForCondition(server, 'dev', 'Ready', 'True');

    const postgres = firstIndex((p, m) => m === 'PATCH' && p.endsWith('/statefulsets/dev-postgres'));
    const redis = firstIndex((p, m) => m === 'PATCH' && p.endsWith('/deployments/dev-redis'));
    const job = firstIndex((p, m) => m === 'POST' && p.endsWith('/jobs'));
    const services = firstIndex((p, m) => m === 'PATCH' && /\/deployments\/dev-(gateway|auth|chat)$/.test(p));
    expect(postgres).toBeGreaterThan(-1);
    expect(redis).toBeGreaterThan(-1);
    expect(job).toBeGreaterThan(Math.max(postgres, redis));
    expect(services).toBeGreaterThan(job);

    const stack = stackOf(server, 'dev')!;
    const status = stack.status as {
      phase: string;
      version: string;
      gatewayURL: string;
      observedGeneration: number;
      components: Record<string, { ready: boolean }>;
    };
    expect(status.phase).toBe('Ready');
    expect(status.version).toBe('0.1.0');
    expect(status.gatewayURL).toBe('http://dev-gateway.default.svc:8080');
    expect(status.observedGeneration).toBe((stack.metadata as { generation: number }).generation);
    for (const c of [
      'gateway',
      'auth',
      'chat',
      'tasks',
      'ai-bridge',
      'notifications',
      'memory',
      'analytics',
      'database',
      'cache',
      'migrations',
      'ollama',
    ]) {
      expect(status.components[c]?.ready, c).toBe(true);
    }
    for (const t of ['DatabaseReady', 'CacheReady', 'InferenceReady', 'ModelsReady', 'Reconciled'])
      expect(conditionOf(stack, t)?.status, t).toBe('True');
    expect(conditionOf(stack, 'Degraded')?.status).toBe('False');
    expect(conditionOf(stack, 'MonitoringReady')).toMatchObject({
      status: 'True',
      reason: 'MonitoringDisabled',
    });
    expect((stack.metadata as { finalizers: string[] }).finalizers).toContain('elwosa.io/cleanup');
    expect(names('secrets')).toEqual(['dev-jwt', 'dev-postgres', 'dev-redis']);
    const reasons = () =>
      server.store.list(type('events.k8s.io', 'v1', 'events'), 'default').map((e) => e.reason as string);
    await waitFor(() => reasons().includes('StackReady'), 5000, 'the StackReady Event');
    expect(reasons()).toEqual(expect.arrayContaining(['DatabaseReady', 'CacheReady', 'ModelsPulled']));
    await new Promise((r) => setTimeout(r, 200));
    for (const reason of ['StackReady', 'DatabaseReady', 'CacheReady'])
      expect(
        reasons().filter((r) => r === reason),
        reason,
      ).toHaveLength(1);
    // Status is written through the subresource with server-side apply.
    const statusWrites = server.requests.filter((r) => r.path.endsWith('/elwosastacks/dev/status'));
    expect(statusWrites.length).toBeGreaterThan(0);
    for (const r of statusWrites) {
      expect(r.contentType).toBe('application/apply-patch+yaml');
      expect(r.query).toMatchObject({ fieldManager: 'elwosa-operator', force: 'true' });
    }
  });

  it('writes nothing on a no-op resync, and only what changed on a spec change', async () => {
    const kc = await setup();
    const op = await startOperator(kc);
    operators.push(op);
    createStack(server.store, KIND_YAML);
    await waitForCondition(server, 'dev', 'Ready', 'True');
    await settle(op);

    // Ready and settled: the operator's own status writes do not trigger further reconciles.
    const reconciles = async () =>
      (await op.metrics.reconciles.get()).values.reduce((n, v) => n + v.value, 0);
    const settled = await reconciles();
    await new Promise((r) => setTimeout(r, 400));
    expect(await reconciles()).toBe(settled);

    const beforeResync = server.requests.length;
    op.resyncNow();
    await settle(op);
    expect(reconcileWrites(server, beforeResync)).toEqual([]);
    expect(server.requests.slice(beforeResync).some((r) => r.path.includes('elwosastacks'))).toBe(false); // served from the cache

    const beforeChange = server.requests.length;
    patchStack('dev', { spec: { services: { chat: { replicas: 2 } } } });
    await waitFor(() => names('poddisruptionbudgets', 'policy').includes('dev-chat'), 10_000, 'the chat PDB');
    await waitForCondition(server, 'dev', 'Ready', 'True');
    await settle(op);
    const written = reconcileWrites(server, beforeChange)
      .filter((r) => !r.path.includes('/elwosastacks/') && !r.path.includes('/events'))
      .map((r) => `${r.method} ${r.path.split('/').slice(-2).join('/')}`);
    expect(written).toEqual(['PATCH deployments/dev-chat', 'PATCH poddisruptionbudgets/dev-chat']);
    const chat = server.store.get(type('apps', 'v1', 'deployments'), 'default', 'dev-chat') as {
      spec: { replicas: number };
    };
    expect(chat.spec.replicas).toBe(2);
  });

  it('prunes a disabled component and cleans up through the finalizer on delete', async () => {
    const kc = await setup();
    operators.push(await startOperator(kc));
    createStack(server.store, KIND_YAML, (s) => {
      (s.spec as KubeRecord).monitoring = {
        serviceMonitor: { enabled: false },
        prometheusRules: { enabled: false },
        grafanaDashboards: { enabled: true, namespace: 'monitoring' },
      };
    });
    await waitForCondition(server, 'dev', 'Ready', 'True');
    expect(names('configmaps', '', 'v1', 'monitoring')).toEqual(['default-dev-dashboard-example']);

    patchStack('dev', { spec: { services: { analytics: { enabled: false } } } });
    await waitFor(() => !names('deployments', 'apps').includes('dev-analytics'), 10_000, 'analytics pruned');
    await waitFor(
      () =>
        !names('services').includes('dev-analytics') &&
        !names('networkpolicies', 'networking.k8s.io').includes('dev-analytics'),
      10_000,
      'analytics Service and policy pruned',
    );
    expect(names('deployments', 'apps')).toContain('dev-analytics'.replace('analytics', 'memory'));
    const gateway = server.store.get(type('apps', 'v1', 'deployments'), 'default', 'dev-gateway') as {
      spec: { template: { spec: { containers: { env: { name: string }[] }[] } } };
    };
    await waitFor(
      () =>
        !JSON.stringify(
          server.store.get(type('apps', 'v1', 'deployments'), 'default', 'dev-gateway'),
        ).includes('ELWOSA_SERVICE_ANALYTICS_URL'),
      10_000,
      'gateway without the analytics upstream',
    );
    expect(gateway).toBeDefined();

    server.store.delete(type('elwosa.io', 'v1alpha1', 'elwosastacks'), 'default', 'dev');
    await waitFor(() => stackOf(server, 'dev') === undefined, 10_000, 'the stack deleted after finalization');
    expect(names('configmaps', '', 'v1', 'monitoring')).toEqual([]);
    expect(names('deployments', 'apps')).toEqual([]);
    // The retained database Secret outlives the stack (retentionPolicy Retain).
    expect(names('secrets')).toEqual(['dev-postgres']);
  });

  it('converges despite API errors, dropped watches and expired resource versions', async () => {
    const kc = await setup();
    // The first list of Deployments fails: that informer must be restarted.
    server.injectFault({ method: 'GET', path: /^\/apis\/apps\/v1\/deployments$/, status: 500, times: 1 });
    const op = await startOperator(kc);
    operators.push(op);
    server.injectFault({ method: 'PATCH', path: /\/statefulsets\/dev-postgres$/, status: 500, times: 2 });
    server.injectFault({ method: 'POST', path: /\/jobs$/, status: 503, times: 1 });
    server.injectFault({ method: 'PATCH', path: /\/deployments\/dev-chat$/, status: 409, times: 1 });
    server.injectFault({ method: 'PATCH', path: /\/elwosastacks\/dev\/status$/, status: 422, times: 1 });
    createStack(server.store, KIND_YAML);
    await waitFor(() => server.requests.some((r) => r.status === 500), 5000, 'an injected failure');
    server.dropWatches();
    await new Promise((r) => setTimeout(r, 50));
    server.expireWatches();
    await waitForCondition(server, 'dev', 'Ready', 'True', 20_000);
    const failed = server.requests.filter((r) => r.status >= 400 && r.status !== 404).map((r) => r.status);
    const restarts = (await op.metrics.informerRestarts.get()).values;
    expect(restarts.find((v) => v.labels.kind === 'Deployment')?.value).toBeGreaterThanOrEqual(1);
    expect(failed).toEqual(expect.arrayContaining([500, 503, 409, 422]));
  });

  it('recreates a StatefulSet (orphaning its pods) when an immutable field changes', async () => {
    const kc = await setup();
    operators.push(await startOperator(kc));
    createStack(server.store, KIND_YAML);
    await waitForCondition(server, 'dev', 'Ready', 'True');
    const statefulSets = type('apps', 'v1', 'statefulsets');
    const uid = (server.store.get(statefulSets, 'default', 'dev-postgres').metadata as { uid: string }).uid;
    // volumeClaimTemplates are immutable: the API server answers 422.
    patchStack('dev', { spec: { database: { storage: { size: '8Gi' } } } });
    // Read through list: between the delete and the re-create the StatefulSet is briefly absent.
    const size = () => {
      const sts = server.store
        .list(statefulSets, 'default')
        .find((o) => (o.metadata as { name: string }).name === 'dev-postgres') as
        | { spec: { volumeClaimTemplates: { spec: { resources: { requests: { storage: string } } } }[] } }
        | undefined;
      return sts?.spec.volumeClaimTemplates[0]?.spec.resources.requests.storage;
    };
    await waitFor(() => size() === '8Gi', 10_000, 'the recreated StatefulSet');
    expect(
      server.requests.some(
        (r) => r.method === 'PATCH' && r.path.endsWith('/statefulsets/dev-postgres') && r.status === 422,
      ),
    ).toBe(true);
    expect(
      (server.store.get(statefulSets, 'default', 'dev-postgres').metadata as { uid: string }).uid,
    ).not.toBe(uid);
    await waitForCondition(server, 'dev', 'Ready', 'True');
    const reasons = () =>
      server.store.list(type('events.k8s.io', 'v1', 'events'), 'default').map((e) => e.reason);
    await waitFor(
      () => reasons().includes('ImmutableFieldChanged'),
      5000,
      'the ImmutableFieldChanged Warning',
    );
  });

  it('reports unschedulable GPU pods and missing monitoring CRDs, and the rest proceeds', async () => {
    const kc = await setup({ capacity: { 'nvidia.com/gpu': 0 } });
    operators.push(await startOperator(kc));
    createStack(server.store, readRepoFile('examples', 'gpu.yaml'), (s) => {
      (s.metadata as KubeRecord).namespace = 'default';
    });
    await waitFor(
      () => conditionOf(stackOf(server, 'prod'), 'InferenceReady')?.reason === 'GpuUnschedulable',
      15_000,
      'GpuUnschedulable',
    );
    await waitForCondition(server, 'prod', 'DatabaseReady', 'True');
    const stack = stackOf(server, 'prod');
    expect(conditionOf(stack, 'InferenceReady')?.message).toContain('Insufficient nvidia.com/gpu');
    expect(conditionOf(stack, 'MonitoringReady')).toMatchObject({
      status: 'Unknown',
      reason: 'PrometheusOperatorCRDsMissing',
    });
    expect(conditionOf(stack, 'Degraded')).toMatchObject({ status: 'True', reason: 'GpuUnschedulable' });
    await waitFor(
      () =>
        (stackOf(server, 'prod')?.status as { components?: Record<string, { ready: boolean }> })?.components
          ?.gateway?.ready,
      15_000,
      'services up without GPUs',
    );
    const warnings = () =>
      server.store
        .list(type('events.k8s.io', 'v1', 'events'), 'default')
        .filter((e) => e.type === 'Warning')
        .map((e) => e.reason as string);
    await waitFor(
      () => warnings().includes('GpuUnschedulable') && warnings().includes('MonitoringCRDsMissing'),
      5000,
      'Warning Events',
    );
    expect(server.store.resourceType('monitoring.coreos.com', 'v1', 'servicemonitors')).toBeUndefined();
  }, 30_000);

  it('applies ServiceMonitors and the PrometheusRule once the monitoring CRDs exist', async () => {
    const kc = await setup();
    for (const crd of monitoringCrds()) installCrd(server.store, crd);
    operators.push(await startOperator(kc));
    createStack(server.store, KIND_YAML, (s) => {
      (s.spec as KubeRecord).monitoring = {
        serviceMonitor: { enabled: 'auto' },
        prometheusRules: { enabled: true },
      };
    });
    await waitForCondition(server, 'dev', 'Ready', 'True');
    expect(names('servicemonitors', 'monitoring.coreos.com')).toContain('dev-gateway');
    expect(names('prometheusrules', 'monitoring.coreos.com')).toEqual(['dev']);
    expect(conditionOf(stackOf(server, 'dev'), 'MonitoringReady')).toMatchObject({
      status: 'True',
      reason: 'MonitoringConfigured',
    });
  });

  it('hands replicas over to the HPA and never fights it', async () => {
    const kc = await setup();
    const op = await startOperator(kc);
    operators.push(op);
    createStack(server.store, KIND_YAML);
    await waitForCondition(server, 'dev', 'Ready', 'True');
    patchStack('dev', {
      spec: { services: { chat: { autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 6 } } } },
    });
    await waitFor(
      () => names('horizontalpodautoscalers', 'autoscaling', 'v2').includes('dev-chat'),
      10_000,
      'the chat HPA',
    );
    const deployments = type('apps', 'v1', 'deployments');
    const chat = () =>
      server.store.get(deployments, 'default', 'dev-chat') as {
        spec: { replicas?: number };
        metadata: { managedFields: { manager: string; fieldsV1: { 'f:spec'?: Record<string, unknown> } }[] };
      };
    await waitFor(
      () =>
        !(
          'f:replicas' in
          (chat().metadata.managedFields.find((m) => m.manager === 'elwosa-operator')?.fieldsV1['f:spec'] ??
            {})
        ),
      10_000,
      'replicas released',
    );
    // The HPA controller scales the Deployment (its own field manager).
    server.store.apply(
      deployments,
      'default',
      'dev-chat',
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'dev-chat' }, spec: { replicas: 4 } },
      { manager: 'horizontal-pod-autoscaler', force: true },
    );
    op.resyncNow();
    patchStack('dev', { spec: { config: { logLevel: 'warn' } } });
    await waitFor(
      () => JSON.stringify(chat()).includes('"value":"warn"'),
      10_000,
      'the new log level applied',
    );
    expect(chat().spec.replicas).toBe(4);
  });

  it('upgrades the platform only after the new version migrated', async () => {
    const kc = await setup();
    operators.push(await startOperator(kc));
    createStack(server.store, KIND_YAML);
    await waitForCondition(server, 'dev', 'Ready', 'True');
    const image = () =>
      (
        server.store.get(type('apps', 'v1', 'deployments'), 'default', 'dev-chat') as {
          spec: { template: { spec: { containers: { image: string }[] } } };
        }
      ).spec.template.spec.containers[0]?.image;
    expect(image()).toBe('ghcr.io/elwosa/elwosa:0.1.0');

    server.simulation.options.failJobs = true;
    patchStack('dev', { spec: { image: { tag: '0.2.0' } } });
    await waitFor(
      () => conditionOf(stackOf(server, 'dev'), 'Degraded')?.reason === 'MigrationsFailed',
      10_000,
      'MigrationsFailed',
    );
    const jobs = names('jobs', 'batch');
    expect(jobs).toHaveLength(2);
    expect(image()).toBe('ghcr.io/elwosa/elwosa:0.1.0');
    expect(statusOf(server, 'dev').version).toBe('0.1.0');

    // The fix: let migrations pass and delete the failed Job; the operator creates it again.
    server.simulation.options.failJobs = false;
    const failed = jobs.find(
      (j) =>
        server.store.get(type('batch', 'v1', 'jobs'), 'default', j).status !== undefined &&
        JSON.stringify(server.store.get(type('batch', 'v1', 'jobs'), 'default', j).status).includes('Failed'),
    );
    server.store.delete(type('batch', 'v1', 'jobs'), 'default', failed!);
    await waitFor(() => image() === 'ghcr.io/elwosa/elwosa:0.2.0', 10_000, 'services on 0.2.0');
    await waitForCondition(server, 'dev', 'Ready', 'True');
    expect(statusOf(server, 'dev').version).toBe('0.2.0');
    await waitFor(() => names('jobs', 'batch').length === 1, 10_000, 'the old migrations Job pruned');
  });

  it('uses a CloudNativePG Cluster when selected and installed', async () => {
    const kc = await setup();
    installCrd(server.store, cloudNativePgCrd());
    operators.push(await startOperator(kc));
    createStack(server.store, KIND_YAML, (s) => {
      (s.spec as KubeRecord).database = { mode: 'cloudnativepg', instances: 2 };
    });
    await waitForCondition(server, 'dev', 'Ready', 'True');
    expect(names('clusters', 'postgresql.cnpg.io')).toEqual(['dev-pg']);
    expect(names('statefulsets', 'apps')).toEqual(['dev-ollama']);
    expect(conditionOf(stackOf(server, 'dev'), 'DatabaseReady')).toMatchObject({
      status: 'True',
      reason: 'ClusterReady',
    });
  });

  it('reports a missing CloudNativePG CRD without deploying services', async () => {
    const kc = await setup();
    operators.push(await startOperator(kc));
    createStack(server.store, KIND_YAML, (s) => {
      (s.spec as KubeRecord).database = { mode: 'cloudnativepg' };
    });
    await waitFor(
      () => conditionOf(stackOf(server, 'dev'), 'DatabaseReady')?.reason === 'CloudNativePGNotInstalled',
      10_000,
      'CloudNativePGNotInstalled',
    );
    expect(conditionOf(stackOf(server, 'dev'), 'Ready')).toMatchObject({
      status: 'False',
      reason: 'WaitingForDatabase',
    });
    expect(statusOf(server, 'dev').phase).toBe('Pending');
    expect(names('jobs', 'batch')).toEqual([]);
  });

  it('waits for external database Secrets and rolls the pods when a referenced Secret changes', async () => {
    const kc = await setup();
    const op = await startOperator(kc);
    operators.push(op);
    createStack(server.store, readRepoFile('examples', 'external-db.yaml'), (s) => {
      (s.metadata as KubeRecord).namespace = 'default';
    });
    await waitFor(
      () => conditionOf(stackOf(server, 'ext'), 'DatabaseReady')?.reason === 'SecretNotFound',
      10_000,
      'SecretNotFound',
    );
    expect(conditionOf(stackOf(server, 'ext'), 'Ready')?.reason).toBe('WaitingForDatabase');
    const secrets = type('', 'v1', 'secrets');
    const secret = (name: string, url: string) => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name, namespace: 'default' },
      stringData: { url },
      data: { url: Buffer.from(url).toString('base64') },
    });
    server.store.create(secrets, 'default', secret('elwosa-db', 'postgresql://u:p@db:5432/e'), {
      manager: 'kubectl',
    });
    server.store.create(secrets, 'default', secret('elwosa-redis', 'redis://:p@cache:6379/0'), {
      manager: 'kubectl',
    });
    server.store.create(
      secrets,
      'default',
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'openai', namespace: 'default' },
        data: { 'api-key': 'c2stMQ==' },
      },
      { manager: 'kubectl' },
    );
    await waitForCondition(server, 'ext', 'Ready', 'True');
    expect(conditionOf(stackOf(server, 'ext'), 'InferenceReady')?.reason).toBe('OpenAIConfigured');
    expect(names('statefulsets', 'apps')).toEqual([]);

    const hash = () =>
      (
        server.store.get(type('apps', 'v1', 'deployments'), 'default', 'ext-chat') as {
          spec: { template: { metadata: { annotations: Record<string, string> } } };
        }
      ).spec.template.metadata.annotations['elwosa.io/config-hash'];
    const before = hash();
    const rotated = server.store.get(secrets, 'default', 'elwosa-db');
    server.store.update(
      secrets,
      'default',
      'elwosa-db',
      { ...rotated, data: { url: Buffer.from('postgresql://u:rotated@db:5432/e').toString('base64') } },
      { manager: 'kubectl' },
    );
    op.resyncNow();
    await waitFor(() => hash() !== before, 10_000, 'a new config hash');
  });

  it('rolls the pods when a generated Secret is rotated', async () => {
    const kc = await setup();
    operators.push(await startOperator(kc));
    createStack(server.store, KIND_YAML);
    await waitForCondition(server, 'dev', 'Ready', 'True');
    const hash = () =>
      (
        server.store.get(type('apps', 'v1', 'deployments'), 'default', 'dev-tasks') as {
          spec: { template: { metadata: { annotations: Record<string, string> } } };
        }
      ).spec.template.metadata.annotations['elwosa.io/config-hash'];
    const before = hash();
    const secrets = type('', 'v1', 'secrets');
    const secret = server.store.get(secrets, 'default', 'dev-redis');
    server.store.update(
      secrets,
      'default',
      'dev-redis',
      {
        ...secret,
        stringData: { password: 'rotated', url: 'redis://:rotated@dev-redis.default.svc:6379/0' },
      },
      { manager: 'kubectl' },
    );
    await waitFor(() => hash() !== before, 10_000, 'a new config hash without a resync');
  });

  it('stops reconciling while it cannot renew the Lease (fencing) and resumes after', async () => {
    const kc = await setup();
    const op = await startOperator(kc);
    operators.push(op);
    createStack(server.store, KIND_YAML);
    await waitForCondition(server, 'dev', 'Ready', 'True');
    server.injectFault({ method: 'PUT', path: /\/leases\/elwosa-operator$/, status: 500, times: 1_000_000 });
    await waitFor(() => !op.isLeader, 5000, 'fenced');
    await settle(op, 200);
    const before = server.requests.length;
    patchStack('dev', { spec: { services: { memory: { replicas: 3 } } } });
    await new Promise((r) => setTimeout(r, 500));
    expect(reconcileWrites(server, before)).toEqual([]);
    server.clearFaults();
    await waitFor(
      () =>
        (
          server.store.get(type('apps', 'v1', 'deployments'), 'default', 'dev-memory') as {
            spec: { replicas: number };
          }
        ).spec.replicas === 3,
      10_000,
      'reconciling again',
    );
  });

  it('reports a spec the API server did not validate instead of applying it', async () => {
    const kc = await setup();
    operators.push(await startOperator(kc));
    // The test API server does not evaluate CEL rules (like a cluster older than 1.29 might not).
    createStack(server.store, KIND_YAML, (s) => {
      (s.spec as KubeRecord).database = { mode: 'external' };
    });
    await waitFor(
      () => conditionOf(stackOf(server, 'dev'), 'Reconciled')?.reason === 'InvalidSpec',
      10_000,
      'InvalidSpec',
    );
    expect(conditionOf(stackOf(server, 'dev'), 'Ready')?.message).toContain(
      'database.mode external needs database.secretRef',
    );
    expect(names('statefulsets', 'apps')).toEqual([]);
    expect(names('deployments', 'apps')).toEqual([]);
    patchStack('dev', { spec: { database: { secretRef: { name: 'db' } } } });
    await waitForCondition(server, 'dev', 'Reconciled', 'True');
    expect(conditionOf(stackOf(server, 'dev'), 'DatabaseReady')).toMatchObject({
      reason: 'SecretNotFound',
      message: expect.stringContaining('Secret db '),
    });
  });

  it('lets a second instance idle while the first holds the Lease, and take over when it stops', async () => {
    const kc = await setup();
    const first = await startOperator(kc, { identity: 'first' });
    operators.push(first);
    await waitFor(() => first.isLeader, 5000, 'first leads');
    const second = await startOperator(kc, { identity: 'second' });
    operators.push(second);
    createStack(server.store, KIND_YAML);
    await waitForCondition(server, 'dev', 'Ready', 'True');
    await new Promise((r) => setTimeout(r, 300));
    expect(second.isLeader).toBe(false);
    const lease = server.store.get(
      type('coordination.k8s.io', 'v1', 'leases'),
      'elwosa-system',
      'elwosa-operator',
    ) as { spec: { holderIdentity: string } };
    expect(lease.spec.holderIdentity).toBe('first');
    // Only the leader's user agent wrote, and the follower only read the Lease.
    await first.stop();
    operators.splice(operators.indexOf(first), 1);
    await waitFor(() => second.isLeader, 5000, 'second takes over');
    const before = server.requests.length;
    patchStack('dev', { spec: { services: { tasks: { replicas: 3 } } } });
    await waitFor(
      () =>
        (
          server.store.get(type('apps', 'v1', 'deployments'), 'default', 'dev-tasks') as {
            spec: { replicas: number };
          }
        ).spec.replicas === 3,
      10_000,
      'the new leader reconciles',
    );
    expect(reconcileWrites(server, before).length).toBeGreaterThan(0);
  });
});

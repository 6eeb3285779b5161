// The test API server's own semantics (so the end-to-end tests can trust it).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KINDS } from '../../src/controller/kinds.js';
import { KubeApi, type KubeError } from '../../src/controller/kube-api.js';
import type { TestApiServer } from '../../src/testing/api-server.js';
import { startTestCluster, waitFor } from '../../src/testing/cluster.js';
import { evaluateJsonPath } from '../../src/testing/jsonpath.js';
import { parseFieldSelector, parseLabelSelector } from '../../src/testing/selectors.js';
import type { Loose } from '../support/stacks.js';

let server: TestApiServer;
let api: KubeApi;
beforeEach(async () => {
  const c = await startTestCluster({ readyDelayMs: 5 });
  server = c.server;
  api = new KubeApi(c.kc);
});
afterEach(() => server.stop());

const deployment = (
  replicas: number | undefined,
  image = 'a:1',
  labels: Record<string, string> = { app: 'x' },
) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'ns', labels },
  spec: {
    ...(replicas !== undefined ? { replicas } : {}),
    selector: { matchLabels: { app: 'x' } },
    template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image }] } },
  },
});

async function raw(
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
  query = '',
) {
  const res = await fetch(`${server.url}${path}${query}`, {
    method,
    headers: { 'content-type': contentType },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Loose };
}

describe('discovery', () => {
  it('serves /version, /api, /apis and group versions, including CRDs', async () => {
    expect((await raw('GET', '/version')).body.gitVersion).toMatch(/^v1\.32/);
    expect((await raw('GET', '/api')).body.versions).toEqual(['v1']);
    const groups = (await raw('GET', '/apis')).body.groups as { name: string }[];
    expect(groups.map((g) => g.name)).toEqual(
      expect.arrayContaining(['apps', 'elwosa.io', 'coordination.k8s.io']),
    );
    const elwosa = (await raw('GET', '/apis/elwosa.io/v1alpha1')).body.resources as { name: string }[];
    expect(elwosa.map((r) => r.name)).toEqual(['elwosastacks', 'elwosastacks/status']);
    expect((await raw('GET', '/apis/monitoring.coreos.com/v1')).status).toBe(404);
  });
});

describe('server-side apply', () => {
  it('creates, bumps generation only on spec changes, and keeps resourceVersion on no-ops', async () => {
    // A Service: no simulated controller writes its status in between.
    const service = (port: number, labels: Record<string, string>) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'ns', labels },
      spec: { ports: [{ name: 'http', port }] },
    });
    const created = await api.apply(service(80, { app: 'x' }));
    expect(created.metadata.generation).toBe(1);
    const same = await api.apply(service(80, { app: 'x' }));
    expect(same.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
    const labelled = await api.apply(service(80, { app: 'x', extra: 'y' }));
    expect(labelled.metadata.generation).toBe(1);
    expect(labelled.metadata.resourceVersion).not.toBe(created.metadata.resourceVersion);
    const changed = await api.apply(service(81, { app: 'x' }));
    expect(changed.metadata.generation).toBe(2);
    expect(changed.metadata.labels).toEqual({ app: 'x' });
  });

  it('tracks field ownership: conflicts without force, shared values, removal of dropped fields', async () => {
    await api.apply(deployment(2));
    const other = await raw(
      'PATCH',
      '/apis/apps/v1/namespaces/ns/deployments/web',
      { ...deployment(5), metadata: { name: 'web' } },
      'application/apply-patch+yaml',
      '?fieldManager=hpa',
    );
    expect(other.status).toBe(409);
    expect(other.body.message).toContain('conflict with "elwosa-operator": .spec.replicas');
    const forced = await raw(
      'PATCH',
      '/apis/apps/v1/namespaces/ns/deployments/web',
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 5 } },
      'application/apply-patch+yaml',
      '?fieldManager=hpa&force=true',
    );
    expect(forced.status).toBe(200);
    // Our intent without replicas no longer owns them: the other manager's value stays.
    const ours = await api.apply(deployment(undefined));
    expect((ours.spec as { replicas: number }).replicas).toBe(5);
    const managers = (ours.metadata.managedFields as { manager: string; fieldsV1: Record<string, unknown> }[])
      .map((m) => m.manager)
      .sort();
    expect(managers).toEqual(expect.arrayContaining(['elwosa-operator', 'hpa']));
    const hpa = (
      ours.metadata.managedFields as { manager: string; fieldsV1: { 'f:spec': Record<string, unknown> } }[]
    ).find((m) => m.manager === 'hpa');
    expect(hpa?.fieldsV1['f:spec']).toEqual({ 'f:replicas': {} });
  });

  it('writes status only through the status subresource', async () => {
    await api.apply(deployment(1));
    const viaMain = await api.apply({ ...deployment(1), status: { readyReplicas: 9 } } as never);
    expect((viaMain.status as { readyReplicas?: number } | undefined)?.readyReplicas).not.toBe(9);
    const status = await raw(
      'PATCH',
      '/apis/apps/v1/namespaces/ns/deployments/web/status',
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, status: { readyReplicas: 7 } },
      'application/apply-patch+yaml',
      '?fieldManager=test&force=true',
    );
    expect(status.body.status).toMatchObject({ readyReplicas: 7 });
    expect((status.body.metadata as { generation: number }).generation).toBe(1);
  });

  it('refuses changes to immutable fields', async () => {
    await api.apply(deployment(1));
    const moved = deployment(1);
    moved.spec.selector = { matchLabels: { app: 'y' } };
    await expect(api.apply(moved)).rejects.toMatchObject({
      code: 422,
      message: expect.stringContaining('spec.selector: Forbidden'),
    });
  });

  it('needs a fieldManager and rejects unknown patch types', async () => {
    await api.apply(deployment(1));
    expect(
      (
        await raw(
          'PATCH',
          '/apis/apps/v1/namespaces/ns/deployments/web',
          { spec: {} },
          'application/apply-patch+yaml',
        )
      ).status,
    ).toBe(422);
    expect(
      (await raw('PATCH', '/apis/apps/v1/namespaces/ns/deployments/web', { spec: {} }, 'text/plain')).status,
    ).toBe(415);
  });
});

describe('CRUD', () => {
  it('lists with label selectors, 404s, 409s and optimistic concurrency', async () => {
    await api.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'a', namespace: 'ns', labels: { tier: 'web', env: 'prod' } },
    });
    await api.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'b', namespace: 'ns', labels: { tier: 'db' } },
    });
    const names = async (sel: string) =>
      (await api.list(KINDS.configMap, 'ns', sel)).items.map((i) => i.metadata.name);
    expect(await names('tier=web')).toEqual(['a']);
    expect(await names('tier in (web,db)')).toEqual(['a', 'b']);
    expect(await names('tier!=web')).toEqual(['b']);
    expect(await names('env')).toEqual(['a']);
    expect(await names('!env')).toEqual(['b']);
    await expect(api.get(KINDS.configMap, 'ns', 'zzz')).rejects.toMatchObject({ code: 404 });
    await expect(
      api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'ns' } }),
    ).rejects.toMatchObject({ code: 409 });
    const a = await api.get(KINDS.configMap, 'ns', 'a');
    await api.replace({ ...a, data: { k: 'v' } });
    await expect(api.replace({ ...a, data: { k: 'w' } })).rejects.toMatchObject({ code: 409 });
  });

  it('applies JSON patches and JSON merge patches', async () => {
    await api.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'p', namespace: 'ns', finalizers: ['a', 'b'] },
      data: { x: '1' },
    } as never);
    const patched = await raw(
      'PATCH',
      '/api/v1/namespaces/ns/configmaps/p',
      [
        { op: 'test', path: '/data/x', value: '1' },
        { op: 'remove', path: '/metadata/finalizers/0' },
        { op: 'add', path: '/data/y', value: '2' },
      ],
      'application/json-patch+json',
    );
    expect(patched.body.metadata.finalizers).toEqual(['b']);
    expect(patched.body.data).toEqual({ x: '1', y: '2' });
    const failed = await raw(
      'PATCH',
      '/api/v1/namespaces/ns/configmaps/p',
      [{ op: 'test', path: '/data/x', value: 'no' }],
      'application/json-patch+json',
    );
    expect(failed.status).toBe(422);
    const merged = await raw(
      'PATCH',
      '/api/v1/namespaces/ns/configmaps/p',
      { data: { x: null, z: '3' } },
      'application/merge-patch+json',
    );
    expect(merged.body.data).toEqual({ y: '2', z: '3' });
  });

  it('injects faults for matching requests only, the given number of times', async () => {
    server.injectFault({ method: 'GET', path: /\/configmaps\/a$/, status: 500, times: 2 });
    const get = () => api.get(KINDS.configMap, 'ns', 'a').catch((e: KubeError) => e.code);
    expect(await get()).toBe(500);
    expect(await get()).toBe(500);
    expect(await get()).toBe(404);
  });

  it('deletes with finalizers in two steps and garbage-collects dependents', async () => {
    const owner = await api.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'owner', namespace: 'ns', finalizers: ['x/y'] },
    });
    await api.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'dep',
        namespace: 'ns',
        ownerReferences: [
          { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid as string },
        ],
      },
    } as never);
    await api.delete(KINDS.configMap, 'ns', 'owner');
    const deleting = await api.get(KINDS.configMap, 'ns', 'owner');
    expect(deleting.metadata.deletionTimestamp).toBeDefined();
    expect(await api.find(KINDS.secret, 'ns', 'dep')).toBeDefined();
    await api.mergePatch(KINDS.configMap, 'ns', 'owner', { metadata: { finalizers: null } });
    expect(await api.find(KINDS.configMap, 'ns', 'owner')).toBeUndefined();
    expect(await api.find(KINDS.secret, 'ns', 'dep')).toBeUndefined();
  });
});

describe('watch', () => {
  async function watchLines(query: string, count: number) {
    const res = await fetch(`${server.url}/api/v1/namespaces/ns/configmaps?watch=true${query}`);
    const reader = res.body!.getReader();
    const lines: { type: string; object: { metadata: { name: string }; code?: number } }[] = [];
    let buffer = '';
    while (lines.length < count) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += new TextDecoder().decode(value);
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      for (const p of parts) if (p) lines.push(JSON.parse(p));
    }
    await reader.cancel();
    return lines;
  }

  it('replays events after a resourceVersion and streams new ones, filtered by labels', async () => {
    const a = await api.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'a', namespace: 'ns', labels: { w: '1' } },
    });
    await api.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'b', namespace: 'ns', labels: { w: '1' } },
    });
    const pending = watchLines(`&resourceVersion=${a.metadata.resourceVersion}&labelSelector=w%3D1`, 3);
    await new Promise((r) => setTimeout(r, 30));
    await api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ignored', namespace: 'ns' } });
    await api.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', namespace: 'ns', labels: { w: '1' } },
    });
    await api.delete(KINDS.configMap, 'ns', 'a');
    expect((await pending).map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual([
      'ADDED b',
      'ADDED c',
      'DELETED a',
    ]);
  });

  it('answers 410 Gone for compacted resource versions, and drops watches on demand', async () => {
    const a = await api.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'a', namespace: 'ns' },
    });
    server.store.compact();
    const gone = await fetch(
      `${server.url}/api/v1/namespaces/ns/configmaps?watch=true&resourceVersion=${Number(a.metadata.resourceVersion) - 1}`,
    );
    expect(gone.status).toBe(410);
    const open = fetch(
      `${server.url}/api/v1/namespaces/ns/configmaps?watch=true&resourceVersion=${a.metadata.resourceVersion}`,
    ).then((r) => r.text());
    await waitFor(() => server.openWatches === 1, 1000, 'an open watch');
    server.dropWatches();
    expect(await open).toBe('');
  });
});

describe('simulation', () => {
  it('makes Deployments ready, completes Jobs, and leaves over-capacity GPU pods Pending', async () => {
    await api.apply(deployment(2));
    await waitFor(
      () =>
        (
          server.store.get(server.store.resourceType('apps', 'v1', 'deployments')!, 'ns', 'web').status as
            | { readyReplicas?: number }
            | undefined
        )?.readyReplicas === 2,
      2000,
      'ready',
    );
    await api.create({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'j', namespace: 'ns' },
      spec: { template: { spec: { containers: [] } } },
    });
    await waitFor(
      () =>
        JSON.stringify(
          server.store.get(server.store.resourceType('batch', 'v1', 'jobs')!, 'ns', 'j').status ?? {},
        ).includes('Complete'),
      2000,
      'complete',
    );
    server.simulation.options.capacity['nvidia.com/gpu'] = 1;
    await api.apply({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'gpu', namespace: 'ns' },
      spec: {
        replicas: 2,
        serviceName: 'gpu',
        selector: { matchLabels: { app: 'g' } },
        template: {
          metadata: { labels: { app: 'g' } },
          spec: { containers: [{ name: 'c', resources: { limits: { 'nvidia.com/gpu': '1' } } }] },
        },
      },
    });
    await waitFor(
      () => server.store.list(server.store.resourceType('', 'v1', 'pods')!, 'ns').length === 2,
      2000,
      'pending pods',
    );
    const pod = server.store.list(server.store.resourceType('', 'v1', 'pods')!, 'ns')[0] as {
      status: { phase: string; conditions: { message: string }[] };
    };
    expect(pod.status.phase).toBe('Pending');
    expect(pod.status.conditions[0]?.message).toContain('Insufficient nvidia.com/gpu');
  });
});

describe('helpers', () => {
  it('evaluate printer-column JSONPath filters', () => {
    const obj = {
      status: {
        conditions: [
          { type: 'A', status: 'False' },
          { type: 'Ready', status: 'True', reason: 'Ok' },
        ],
      },
    };
    expect(evaluateJsonPath(obj, '.status.conditions[?(@.type=="Ready")].status')).toEqual(['True']);
    expect(evaluateJsonPath(obj, '.status.conditions[0].type')).toEqual(['A']);
    expect(evaluateJsonPath(obj, '.status.missing')).toEqual([]);
  });

  it('match field selectors on any field path', () => {
    const m = parseFieldSelector('involvedObject.name=dev,metadata.namespace!=kube-system');
    expect(m({ involvedObject: { name: 'dev' }, metadata: { namespace: 'default' } })).toBe(true);
    expect(m({ involvedObject: { name: 'dev' }, metadata: { namespace: 'kube-system' } })).toBe(false);
    expect(m({ metadata: { namespace: 'default' } })).toBe(false);
  });

  it('parse set-based label selectors', () => {
    const m = parseLabelSelector('a in (1,2),b notin (3),c');
    expect(m({ a: '1', c: '' })).toBe(true);
    expect(m({ a: '1', b: '3', c: '' })).toBe(false);
    expect(m({ a: '9', c: '' })).toBe(false);
  });
});

// Helpers around the test API server: a KubeConfig for it, the CRD installed, stacks created,
// and polling for conditions. Used by the end-to-end tests and the benchmark.
import { KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { buildCrd } from '../api/crd.js';
import { TestApiServer } from './api-server.js';
import type { KubeRecord } from './fields.js';
import type { SimulationOptions } from './simulation.js';
import type { ObjectStore } from './store.js';

export function kubeConfigFor(url: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'test', server: url, skipTLSVerify: true }],
    users: [{ name: 'test', token: 'test' }],
    contexts: [{ name: 'test', cluster: 'test', user: 'test', namespace: 'default' }],
    currentContext: 'test',
  });
  return kc;
}

export async function startTestCluster(
  simulation: Partial<SimulationOptions> = {},
): Promise<{ server: TestApiServer; kc: KubeConfig }> {
  const server = new TestApiServer(simulation);
  const url = await server.start();
  installCrd(server.store, buildCrd() as unknown as KubeRecord);
  return { server, kc: kubeConfigFor(url) };
}

export function installCrd(store: ObjectStore, crd: KubeRecord): void {
  const type = store.resourceType('apiextensions.k8s.io', 'v1', 'customresourcedefinitions');
  if (!type) throw new Error('CRDs are not served');
  store.create(type, undefined, crd, { manager: 'test' });
}

/** A minimal CRD (names and a served version, schema-less) for a third-party kind. */
export function simpleCrd(group: string, version: string, kind: string, plural: string): KubeRecord {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
      versions: [
        {
          name: version,
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        },
      ],
    },
  };
}

/** The prometheus-operator CRDs the operator uses. */
export function monitoringCrds(): KubeRecord[] {
  return [
    simpleCrd('monitoring.coreos.com', 'v1', 'ServiceMonitor', 'servicemonitors'),
    simpleCrd('monitoring.coreos.com', 'v1', 'PrometheusRule', 'prometheusrules'),
  ];
}

export function cloudNativePgCrd(): KubeRecord {
  return simpleCrd('postgresql.cnpg.io', 'v1', 'Cluster', 'clusters');
}

export function createStack(
  store: ObjectStore,
  yamlText: string,
  mutate: (stack: KubeRecord) => void = () => {},
): KubeRecord {
  const stack = parse(yamlText) as KubeRecord;
  mutate(stack);
  const type = store.resourceType('elwosa.io', 'v1alpha1', 'elwosastacks');
  if (!type) throw new Error('the ElwosaStack CRD is not installed');
  const ns = (stack.metadata as { namespace?: string }).namespace ?? 'default';
  return store.create(type, ns, stack, { manager: 'kubectl' });
}

export async function waitFor<T>(
  probe: () => T | undefined | false,
  timeoutMs: number,
  what: string,
  intervalMs = 10,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export function conditionOf(
  stack: KubeRecord | undefined,
  type: string,
): { status: string; reason: string; message: string } | undefined {
  const conditions = (
    stack?.status as
      | { conditions?: { type: string; status: string; reason: string; message: string }[] }
      | undefined
  )?.conditions;
  return conditions?.find((c) => c.type === type);
}

// Starting operators against the test API server with timings suited to tests.
import type { KubeConfig } from '@kubernetes/client-node';
import { Operator, type OperatorOptions } from '../../src/controller/operator.js';
import type { TestApiServer } from '../../src/testing/api-server.js';
import { conditionOf, waitFor } from '../../src/testing/cluster.js';
import type { KubeRecord } from '../../src/testing/fields.js';

export const FAST: Partial<OperatorOptions> = {
  leaseNamespace: 'elwosa-system',
  leaseDurationMs: 1500,
  renewDeadlineMs: 1000,
  retryPeriodMs: 100,
  probePort: undefined,
  pollMs: 100,
  discoveryTtlMs: 50,
  informerRestartBaseMs: 50,
  queue: { backoffBaseMs: 20, backoffMaxMs: 500 },
  dashboards: [{ name: 'example', json: '{"uid":"example","title":"Example"}' }],
  defaultMetrics: false,
  writeQps: 1000,
  writeBurst: 1000,
  log: () => {},
};

export async function startOperator(
  kc: KubeConfig,
  options: Partial<OperatorOptions> = {},
): Promise<Operator> {
  const op = new Operator(kc, { ...FAST, ...options });
  await op.start();
  return op;
}

export function stackOf(server: TestApiServer, name: string, namespace = 'default'): KubeRecord | undefined {
  const type = server.store.resourceType('elwosa.io', 'v1alpha1', 'elwosastacks');
  return type
    ? server.store.list(type, namespace).find((s) => (s.metadata as { name: string }).name === name)
    : undefined;
}

export function waitForCondition(
  server: TestApiServer,
  name: string,
  type: string,
  status: string,
  timeoutMs = 15_000,
  namespace = 'default',
) {
  return waitFor(
    () => conditionOf(stackOf(server, name, namespace), type)?.status === status,
    timeoutMs,
    `${name} ${type}=${status}`,
  );
}

/** Writes except the leader Lease renewals (those are not reconcile writes). */
export function reconcileWrites(server: TestApiServer, from: number) {
  return server.writesSince(from).filter((r) => !r.path.includes('/leases/'));
}

export async function settle(op: Operator, ms = 300): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
  await op.idle();
}

/** The status of a stack (empty when it has none yet). */
export function statusOf(
  server: TestApiServer,
  name: string,
  namespace = 'default',
): { version?: string; phase?: string } {
  return (stackOf(server, name, namespace)?.status ?? {}) as { version?: string; phase?: string };
}

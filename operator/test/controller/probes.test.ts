import { afterEach, describe, expect, it } from 'vitest';
import type { Operator } from '../../src/controller/operator.js';
import type { TestApiServer } from '../../src/testing/api-server.js';
import { createStack, startTestCluster, waitFor } from '../../src/testing/cluster.js';
import { readRepoFile } from '../support/fixtures.js';
import { startOperator, waitForCondition } from '../support/operator.js';

let server: TestApiServer;
let op: Operator | undefined;
afterEach(async () => {
  await op?.stop();
  await server.stop();
});

describe('probes and metrics', () => {
  it('serves /healthz, /readyz and the elwosa_operator_* metrics', async () => {
    const cluster = await startTestCluster({ readyDelayMs: 5 });
    server = cluster.server;
    op = await startOperator(cluster.kc, { probePort: 0, probeHost: '127.0.0.1', defaultMetrics: true });
    const base = `http://127.0.0.1:${op.probePort}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    await waitFor(() => op?.isLeader, 3000, 'leading');
    createStack(server.store, readRepoFile('examples', 'kind.yaml'));
    await waitForCondition(server, 'dev', 'Ready', 'True');
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    for (const name of [
      'elwosa_operator_reconcile_total{result="success"}',
      'elwosa_operator_reconcile_duration_seconds_bucket',
      'elwosa_operator_workqueue_depth',
      'elwosa_operator_leader 1',
      'elwosa_operator_api_writes_total{verb="PATCH"}',
      'process_resident_memory_bytes',
    ]) {
      expect(metrics).toContain(name);
    }
    expect(metrics).toContain(
      'elwosa_operator_stack_condition{namespace="default",stack="dev",condition="Ready",status="True"} 1',
    );
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });
});

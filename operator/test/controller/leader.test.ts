import { afterEach, describe, expect, it } from 'vitest';
import { KINDS } from '../../src/controller/kinds.js';
import { KubeApi } from '../../src/controller/kube-api.js';
import { LeaderElector } from '../../src/controller/leader.js';
import type { TestApiServer } from '../../src/testing/api-server.js';
import { startTestCluster, waitFor } from '../../src/testing/cluster.js';

let server: TestApiServer;
const electors: LeaderElector[] = [];
afterEach(async () => {
  await Promise.all(electors.splice(0).map((e) => e.stop()));
  await server?.stop();
});

const timing = { leaseDurationMs: 600, renewDeadlineMs: 400, retryPeriodMs: 50 };

async function elector(identity: string, log: string[], t = timing) {
  const api = new KubeApi((await cluster).kc);
  const e = new LeaderElector(
    api,
    { namespace: 'ops', name: 'lock', identity, ...t },
    {
      onStartedLeading: () => log.push(`${identity}+`),
      onStoppedLeading: () => log.push(`${identity}-`),
    },
  );
  electors.push(e);
  return e;
}
let cluster: ReturnType<typeof startTestCluster>;

describe('Lease leader election', () => {
  it('elects one leader, fences it when renewals fail, and hands over', async () => {
    cluster = startTestCluster();
    server = (await cluster).server;
    const log: string[] = [];
    const a = await elector('a', log);
    a.start();
    await waitFor(() => a.isLeader(), 2000, 'a leads');
    const b = await elector('b', log);
    b.start();
    await new Promise((r) => setTimeout(r, 300));
    expect(b.isLeader()).toBe(false);
    const lease = server.store.get(
      server.store.resourceType('coordination.k8s.io', 'v1', 'leases')!,
      'ops',
      'lock',
    ) as { spec: Record<string, unknown> };
    expect(lease.spec).toMatchObject({ holderIdentity: 'a', leaseDurationSeconds: 1 });

    // a's renewals fail (its identity's PUTs get 500): it must stop leading within renewDeadline.
    server.injectFault({ method: 'PUT', path: /\/leases\/lock$/, status: 500, times: 1000 });
    await waitFor(() => !a.isLeader(), 1000, 'a fenced');
    await waitFor(() => log.includes('a-'), 3000, 'a told to stop leading');
    server.clearFaults();
    await waitFor(() => a.isLeader() || b.isLeader(), 3000, 'a new leader');
    expect(a.isLeader() && b.isLeader()).toBe(false);
  });

  it('releases the Lease on stop so a standby takes over at once', async () => {
    cluster = startTestCluster();
    server = (await cluster).server;
    const log: string[] = [];
    // A long Lease: taking over well before it could expire proves it was released.
    const long = { leaseDurationMs: 5000, renewDeadlineMs: 3000, retryPeriodMs: 50 };
    const a = await elector('a', log, long);
    a.start();
    await waitFor(() => a.isLeader(), 2000, 'a leads');
    const b = await elector('b', log, long);
    b.start();
    await new Promise((r) => setTimeout(r, 100));
    const stoppedAt = Date.now();
    await a.stop();
    await waitFor(() => b.isLeader(), 4000, 'b leads');
    expect(Date.now() - stoppedAt).toBeLessThan(long.leaseDurationMs / 2);
    const lease = await new KubeApi((await cluster).kc).get(KINDS.lease, 'ops', 'lock');
    expect((lease.spec as { holderIdentity: string; leaseTransitions: number }).holderIdentity).toBe('b');
    expect((lease.spec as { leaseTransitions: number }).leaseTransitions).toBe(1);
  });

  it('reports failed attempts once per distinct error, then leads when the API recovers', async () => {
    cluster = startTestCluster();
    server = (await cluster).server;
    server.injectFault({ method: 'GET', path: /\/leases\/lock$/, status: 503, times: 5 });
    const errors: string[] = [];
    const api = new KubeApi((await cluster).kc);
    const e = new LeaderElector(
      api,
      { namespace: 'ops', name: 'lock', identity: 'a', ...timing },
      {
        onStartedLeading: () => {},
        onStoppedLeading: () => {},
        onError: (err) => errors.push(String(err)),
      },
    );
    electors.push(e);
    e.start();
    await waitFor(() => e.isLeader(), 3000, 'leading after the faults');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('503');
  });

  it('refuses writes through a fenced client', async () => {
    cluster = startTestCluster();
    server = (await cluster).server;
    const api = new KubeApi((await cluster).kc, { writeGuard: () => false });
    await expect(
      api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'd' } }),
    ).rejects.toThrow(/leader Lease/);
    expect(server.requests.filter((r) => r.method === 'POST')).toEqual([]);
  });
});

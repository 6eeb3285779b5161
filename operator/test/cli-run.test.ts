// `elwosa-operator run` as a process (built dist) against the test API server: it reconciles a
// stack to Ready, serves its probes, and on SIGTERM releases the Lease and exits 0.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import type { TestApiServer } from '../src/testing/api-server.js';
import { createStack, startTestCluster } from '../src/testing/cluster.js';
import { readRepoFile, repoPath } from './support/fixtures.js';
import { waitForCondition } from './support/operator.js';

let server: TestApiServer;
let dir: string;
afterEach(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('elwosa-operator run', () => {
  it('reconciles from a kubeconfig, serves probes, and shuts down gracefully', async () => {
    server = (await startTestCluster({ readyDelayMs: 5 })).server;
    dir = mkdtempSync(path.join(tmpdir(), 'elwosa-run-'));
    const kubeconfig = path.join(dir, 'config');
    writeFileSync(
      kubeconfig,
      `apiVersion: v1\nkind: Config\nclusters: [{name: t, cluster: {server: "${server.url}", insecure-skip-tls-verify: true}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: t, context: {cluster: t, user: u}}]\ncurrent-context: t\n`,
    );
    const child = spawn(
      process.execPath,
      [
        repoPath('operator', 'bin', 'elwosa-operator.js'),
        'run',
        '--probe-port',
        '0',
        '--lease-namespace',
        'ops',
      ],
      {
        env: { ...process.env, KUBECONFIG: kubeconfig },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const started = await new Promise<{ probePort: number }>((resolve, reject) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        const entry = JSON.parse(line) as { msg: string; probePort: number };
        if (entry.msg === 'elwosa-operator started') resolve(entry);
      });
      child.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
    });
    expect((await fetch(`http://127.0.0.1:${started.probePort}/healthz`)).status).toBe(200);

    createStack(server.store, readRepoFile('examples', 'kind.yaml'));
    await waitForCondition(server, 'dev', 'Ready', 'True', 20_000);
    expect(await (await fetch(`http://127.0.0.1:${started.probePort}/metrics`)).text()).toContain(
      'elwosa_operator_leader 1',
    );

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const lease = server.store.get(
      server.store.resourceType('coordination.k8s.io', 'v1', 'leases')!,
      'ops',
      'elwosa-operator',
    ) as { spec: { holderIdentity: string } };
    expect(lease.spec.holderIdentity).toBe('');
  });
});

// The built CLI as users run it (child processes use operator/dist, built first): render,
// crd, usage errors, and `run` against the test API server (reconciles a stack to Ready, serves
// its probes, and on SIGTERM releases the Lease and exits 0).
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { TestApiServer } from '../src/testing/api-server.js';
import { createStack, startTestCluster } from '../src/testing/cluster.js';
import { buildOperator } from './support/build.js';
import { readRepoFile, repoPath } from './support/fixtures.js';
import { waitForCondition } from './support/operator.js';

const run = promisify(execFile);
const BIN = repoPath('operator', 'bin', 'elwosa-operator.js');

beforeAll(buildOperator, 120_000);

describe('elwosa-operator CLI', () => {
  it('render prints every object of a stack as a YAML stream', async () => {
    const { stdout } = await run(process.execPath, [BIN, 'render', '-f', repoPath('examples', 'gpu.yaml')]);
    const docs = parseAllDocuments(stdout).map(
      (d) => d.toJS() as { kind: string; metadata: { name: string } },
    );
    expect(docs.length).toBeGreaterThan(40);
    expect(docs.map((d) => d.kind)).toEqual(
      expect.arrayContaining([
        'Deployment',
        'StatefulSet',
        'Job',
        'ServiceMonitor',
        'PrometheusRule',
        'ConfigMap',
        'Ingress',
      ]),
    );
    expect(
      docs.find((d) => d.kind === 'ConfigMap' && d.metadata.name === 'elwosa-prod-dashboard-operator'),
    ).toBeDefined();
  });

  it('render leaves monitoring objects out without the CRDs', async () => {
    const { stdout } = await run(process.execPath, [
      BIN,
      'render',
      '--no-monitoring-crds',
      '-f',
      repoPath('examples', 'gpu.yaml'),
    ]);
    expect(stdout).not.toContain('kind: ServiceMonitor');
  });

  it('crd prints the checked-in CRD', async () => {
    const { stdout } = await run(process.execPath, [BIN, 'crd']);
    expect(stdout).toBe(readRepoFile('crds', 'elwosa.io_elwosastacks.yaml'));
  });

  it('render rejects a stack the API server would reject', async () => {
    const bad =
      'apiVersion: elwosa.io/v1alpha1\nkind: ElwosaStack\nmetadata: {name: x}\nspec:\n  ai: {ollama: {gpu: {enabled: true, count: 0}}}\n';
    const child = execFile(process.execPath, [BIN, 'render', '-f', '-']);
    child.stdin?.end(bad);
    const [code, stderr] = await new Promise<[number | null, string]>((resolve) => {
      let err = '';
      child.stderr?.on('data', (d: Buffer) => {
        err += d.toString();
      });
      child.on('exit', (c) => resolve([c, err]));
    });
    expect(code).toBe(1);
    expect(stderr).toContain('spec.ai.ollama.gpu: gpu.count must be at least 1 when gpu is enabled');
  });

  it('fails with usage on bad input', async () => {
    await expect(run(process.execPath, [BIN, 'render'])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('usage:'),
    });
    await expect(
      run(process.execPath, [BIN, 'render', '-f', repoPath('package.json')]),
    ).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('expected apiVersion elwosa.io/v1alpha1'),
    });
  });

  it('run reads the watch list from --watch-namespaces or ELWOSA_WATCH_NAMESPACES, and checks it', async () => {
    // Refused before any connection: the option, then the environment variable.
    await expect(
      run(process.execPath, [BIN, 'run', '--watch-namespaces=team-a,Bad_NS']),
    ).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('invalid namespace in the watch list: "Bad_NS"'),
    });
    await expect(
      run(process.execPath, [BIN, 'run'], { env: { ...process.env, ELWOSA_WATCH_NAMESPACES: 'x,-y' } }),
    ).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('"-y"') });
    const { stdout } = await run(process.execPath, [BIN, 'rbac', '--watch-namespaces=team-a']);
    expect(
      parseAllDocuments(stdout).map((d) => {
        const o = d.toJS() as { kind: string; metadata: { namespace?: string } };
        return `${o.kind} ${o.metadata.namespace}`;
      }),
    ).toEqual(['Role team-a', 'RoleBinding team-a', 'Role elwosa-system', 'RoleBinding elwosa-system']);
  });
});

describe('elwosa-operator run', () => {
  let server: TestApiServer;
  let dir: string;
  afterEach(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

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

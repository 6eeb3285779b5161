// The real kubectl against the test API server: server-side apply of the CRD and a stack, and
// `kubectl get elwosastacks` with the CRD's printer columns.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestApiServer } from '../../src/testing/api-server.js';
import { repoPath } from '../support/fixtures.js';

const run = promisify(execFile);
const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';

let server: TestApiServer;
let dir: string;
let kubeconfig: string;

async function kubectl(...args: string[]): Promise<string> {
  // A fresh discovery cache per call: the CRD appears between calls.
  const cache = mkdtempSync(path.join(dir, 'cache-'));
  const { stdout } = await run(KUBECTL, [`--kubeconfig=${kubeconfig}`, `--cache-dir=${cache}`, ...args], {
    timeout: 20_000,
  });
  return stdout;
}

describe('kubectl against the test API server', () => {
  beforeAll(async () => {
    if (!existsSync(KUBECTL)) throw new Error(`kubectl not found at ${KUBECTL} (set KUBECTL)`);
    server = new TestApiServer();
    const url = await server.start();
    dir = mkdtempSync(path.join(tmpdir(), 'elwosa-kubectl-'));
    kubeconfig = path.join(dir, 'config');
    writeFileSync(
      kubeconfig,
      `apiVersion: v1\nkind: Config\nclusters: [{name: t, cluster: {server: "${url}"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: t, context: {cluster: t, user: u, namespace: default}}]\ncurrent-context: t\n`,
    );
  });
  afterAll(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies the CRD and examples/kind.yaml server-side and lists stacks with printer columns', async () => {
    expect(
      await kubectl(
        'apply',
        '--server-side',
        '--validate=false',
        '-f',
        repoPath('crds', 'elwosa.io_elwosastacks.yaml'),
      ),
    ).toContain('customresourcedefinition.apiextensions.k8s.io/elwosastacks.elwosa.io serverside-applied');
    expect(
      await kubectl('apply', '--server-side', '--validate=false', '-f', repoPath('examples', 'kind.yaml')),
    ).toContain('elwosastack.elwosa.io/dev serverside-applied');

    // What the operator would write: a Ready condition and a version in the status.
    const t = server.store.resourceType('elwosa.io', 'v1alpha1', 'elwosastacks')!;
    server.store.apply(
      t,
      'default',
      'dev',
      {
        apiVersion: 'elwosa.io/v1alpha1',
        kind: 'ElwosaStack',
        metadata: { name: 'dev' },
        status: {
          phase: 'Ready',
          version: '0.1.0',
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              reason: 'AllComponentsReady',
              message: '',
              lastTransitionTime: '2026-01-01T00:00:00Z',
            },
          ],
        },
      },
      { manager: 'elwosa-operator', force: true, subresource: 'status' },
    );

    expect(await kubectl('wait', 'elwosastack/dev', '--for=condition=Ready', '--timeout=10s')).toContain(
      'condition met',
    );
    expect(await kubectl('describe', 'elwosastack', 'dev')).toContain('Retention Policy:  Retain');
    const table = await kubectl('get', 'elwosastacks');
    const [header, row] = table.trim().split('\n');
    expect(header?.split(/\s+/)).toEqual(['NAME', 'READY', 'REASON', 'PHASE', 'VERSION', 'AGE']);
    expect(row?.split(/\s+/).slice(0, 5)).toEqual(['dev', 'True', 'AllComponentsReady', 'Ready', '0.1.0']);
    expect(await kubectl('get', 'es', '-o', 'name')).toBe('elwosastack.elwosa.io/dev\n');

    // The server applied the CRD's defaults, and kubectl's apply went through SSA.
    const stack = JSON.parse(await kubectl('get', 'elwosastack', 'dev', '-o', 'json')) as {
      spec: { database: { retentionPolicy: string } };
      metadata: { generation: number };
    };
    expect(stack.spec.database.retentionPolicy).toBe('Retain');
    expect(stack.metadata.generation).toBe(1);
    const apply = server.requests.find((r) => r.method === 'PATCH' && r.path.endsWith('/elwosastacks/dev'));
    expect(apply).toMatchObject({
      contentType: 'application/apply-patch+yaml',
      query: { fieldManager: 'kubectl' },
    });
  });
});

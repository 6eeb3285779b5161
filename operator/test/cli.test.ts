// The built CLI as users run it (child processes use operator/dist: run `npx tsc -b operator` first).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { readRepoFile, repoPath } from './support/fixtures.js';

const run = promisify(execFile);
const BIN = repoPath('operator', 'bin', 'elwosa-operator.js');

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
});

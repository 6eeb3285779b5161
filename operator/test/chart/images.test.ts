// The Dockerfiles cannot be built here (no Docker engine): check what can be checked offline.
// Every COPY source exists and is not excluded by .dockerignore, every workspace manifest is
// copied before the install, the final stages run Node 24 as non-root, the operator image
// sets the documented NODE_OPTIONS and puts dashboards/ where the operator looks for them.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readRepoFile, repoPath } from '../support/fixtures.js';
import { CHART } from './helm.js';

interface Instruction {
  stage: number;
  op: string;
  args: string;
}

/** Instructions with line continuations joined and comments dropped; FROM starts a stage. */
function dockerfile(file: string): Instruction[] {
  const text = readRepoFile(file).replace(/\\\n/g, ' ');
  let stage = -1;
  const out: Instruction[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const [op, ...rest] = trimmed.split(/\s+/);
    if (op!.toUpperCase() === 'FROM') stage++;
    out.push({ stage, op: op!.toUpperCase(), args: rest.join(' ') });
  }
  return out;
}

const words = (args: string) => args.split(/\s+/).filter((w) => !w.startsWith('--'));
const exec = (args: string) => (args.startsWith('[') ? (JSON.parse(args) as string[]) : args.split(/\s+/));

/** `.dockerignore` patterns, matched on path segments (`**\/x` anywhere, `x` at the root). */
function ignored(source: string): boolean {
  const patterns = readRepoFile('.dockerignore')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const segments = source.replace(/\/$/, '').split('/');
  return patterns.some((p) =>
    p.startsWith('**/')
      ? segments.includes(p.slice(3))
      : segments.slice(0, p.split('/').length).join('/') === p,
  );
}

const WORKSPACES = (JSON.parse(readRepoFile('package.json')) as { workspaces: string[] }).workspaces;
const documentedNodeOptions = /--max-semi-space-size=\d+ --max-old-space-size=\d+/.exec(
  readRepoFile('docs', 'operator.md'),
)?.[0];

describe.each([
  ['Dockerfile', 'services/cli/bin/elwosa.js'],
  ['operator/Dockerfile', 'operator/bin/elwosa-operator.js'],
])('%s', (file, entry) => {
  const steps = dockerfile(file);
  const final = Math.max(...steps.map((s) => s.stage));
  const inFinal = steps.filter((s) => s.stage === final);

  it('copies only sources that exist and that .dockerignore does not exclude', () => {
    const copies = steps.filter((s) => (s.op === 'COPY' || s.op === 'ADD') && !/--from=/.test(s.args));
    expect(copies.length).toBeGreaterThan(3);
    for (const c of copies) {
      const sources = words(c.args).slice(0, -1);
      for (const src of sources) {
        expect(existsSync(repoPath(src)), `${file}: COPY ${src}`).toBe(true);
        expect(ignored(src), `${file}: COPY ${src} is excluded by .dockerignore`).toBe(false);
      }
    }
  });

  it('copies every workspace manifest before installing dependencies', () => {
    const install = steps.findIndex((s) => s.op === 'RUN' && /\bnpm (ci|install)\b/.test(s.args));
    expect(install).toBeGreaterThan(0);
    const copied = steps
      .slice(0, install)
      .filter((s) => s.op === 'COPY')
      .flatMap((s) => words(s.args).slice(0, -1));
    for (const ws of WORKSPACES)
      expect(copied, `${file}: ${ws}/package.json`).toContain(`${ws}/package.json`);
    expect(copied).toContain('package-lock.json');
  });

  it('runs Node 24 as a non-root user without package managers in the final stage', () => {
    for (const from of steps.filter((s) => s.op === 'FROM'))
      expect(from.args).toMatch(/^node:24[-.\w]*( AS \w+)?$/i);
    const user = inFinal.filter((s) => s.op === 'USER').at(-1)?.args ?? '';
    expect(user).toMatch(/^[1-9]\d*(:[1-9]\d*)?$/);
    expect(inFinal.filter((s) => s.op === 'RUN' && /\bnpm\b/.test(s.args))).toEqual([]);
    const entrypoint = exec(inFinal.find((s) => s.op === 'ENTRYPOINT')?.args ?? '[]');
    expect(entrypoint).toEqual(['node', entry]);
    expect(existsSync(repoPath(entry))).toBe(true);
  });
});

describe('platform image', () => {
  it('builds every service and the web dashboard the gateway serves', () => {
    const runs = dockerfile('Dockerfile')
      .filter((s) => s.op === 'RUN')
      .map((s) => s.args)
      .join('\n');
    // services/cli references every service (tsc -b builds them all).
    const cli = JSON.parse(readRepoFile('services', 'cli', 'tsconfig.json')) as {
      references: { path: string }[];
    };
    const built = new Set(cli.references.map((r) => path.basename(r.path)));
    for (const ws of WORKSPACES.filter(
      (w) => w.startsWith('services/') && !['services/web', 'services/cli'].includes(w),
    ))
      expect(built, ws).toContain(path.basename(ws));
    expect(runs).toMatch(/tsc -b services\/cli/);
    expect(runs).toMatch(/npm run build --workspace @elwosa\/web/);
    expect(runs).toMatch(/node hack\/generate\.mjs/);
  });
});

describe('operator image', () => {
  const steps = dockerfile('operator/Dockerfile');
  const final = steps.filter((s) => s.stage === Math.max(...steps.map((x) => x.stage)));

  it('is multi-stage and sets the NODE_OPTIONS of docs/operator.md and the chart', () => {
    expect(steps.filter((s) => s.op === 'FROM').length).toBeGreaterThanOrEqual(2);
    const env = final
      .filter((s) => s.op === 'ENV')
      .map((s) => s.args)
      .join(' ');
    expect(documentedNodeOptions).toBeDefined();
    expect(env).toContain(`NODE_OPTIONS="${documentedNodeOptions}"`);
    const values = parse(readFileSync(path.join(CHART, 'values.yaml'), 'utf8')) as {
      operator: { nodeOptions: string };
    };
    expect(values.operator.nodeOptions).toBe(documentedNodeOptions);
  });

  it('puts dashboards/ where the operator resolves them from operator/dist', () => {
    const workdir = final.filter((s) => s.op === 'WORKDIR').at(-1)!.args;
    const dest = (src: string) => {
      const copy = final.find((s) => s.op === 'COPY' && words(s.args)[0] === src);
      if (!copy) throw new Error(`no COPY of ${src} in the final stage`);
      return path.posix.resolve(workdir, words(copy.args).at(-1)!);
    };
    const dist = final.find((s) => s.op === 'COPY' && words(s.args)[0] === '/src/operator/dist');
    expect(dist).toBeDefined();
    const distDir = path.posix.resolve(workdir, words(dist!.args).at(-1)!);
    // operator/src/dashboards.ts: new URL('../../dashboards/', <dist>/dashboards.js)
    expect(path.posix.resolve(distDir, '..', '..', 'dashboards')).toBe(dest('dashboards'));
    expect(readRepoFile('operator', 'src', 'dashboards.ts')).toContain(
      "new URL('../../dashboards/', import.meta.url)",
    );
  });

  it('installs only the operator workspace’s production dependencies for the runtime', () => {
    const deps = steps.find((s) => s.op === 'RUN' && /--omit=dev/.test(s.args));
    expect(deps?.args).toMatch(/--workspace @elwosa\/operator/);
    expect(JSON.parse(readRepoFile('operator', 'package.json')).name).toBe('@elwosa/operator');
    const nodeModules = final.find((s) => s.op === 'COPY' && /node_modules/.test(s.args));
    expect(nodeModules?.args).toMatch(/--from=deps\b/);
    expect(steps.some((s) => s.op === 'FROM' && / AS deps$/i.test(s.args))).toBe(true);
  });
});

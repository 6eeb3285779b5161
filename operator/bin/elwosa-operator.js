#!/usr/bin/env node
// The elwosa-operator CLI. In a checkout where operator/dist is not built yet (e.g. right after
// `make setup`), build it once with the workspace's TypeScript compiler, then run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const operatorDir = fileURLToPath(new URL('..', import.meta.url));
const main = path.join(operatorDir, 'dist', 'cli', 'main.js');

/** node_modules/typescript/bin/tsc in the operator directory or any parent (the workspace root). */
function findTsc(dir) {
  const candidate = path.join(dir, 'node_modules', 'typescript', 'bin', 'tsc');
  if (existsSync(candidate)) return candidate;
  const parent = path.dirname(dir);
  return parent === dir ? undefined : findTsc(parent);
}

if (!existsSync(main)) {
  const tsc = findTsc(operatorDir);
  if (!tsc) {
    console.error(
      'elwosa-operator: operator/dist is missing and TypeScript is not installed; run `npx tsc -b operator`',
    );
    process.exit(1);
  }
  const build = spawnSync(process.execPath, [tsc, '-b', operatorDir], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
await import(pathToFileURL(main).href);

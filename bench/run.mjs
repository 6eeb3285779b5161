// `make bench`: runs every benchmark harness one after another (they share two cores, so never
// in parallel), collects the JSON line each prints, and writes bench/results/latest.json.
// Each harness measures its own baseline in the same run and reports the ratio.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
/** Each harness: its node arguments (the script last). */
const HARNESSES = [
  ['bench/gateway/gateway-overhead.mjs'],
  ['bench/ratelimit/ratelimit.mjs'],
  ['bench/tasks/tasks-api.mjs'],
  ['bench/ws/ws-fanout.mjs'],
  ['bench/ai/bridge-overhead.mjs'],
  ['bench/ai/concurrent-streams.mjs'],
  ['bench/memory/memory-search.mjs'],
  ['bench/platform/idle-rss.mjs'],
  ['--import', './bench/db/register-ts.mjs', 'bench/db/embedded.ts'],
  ['bench/operator/bench.mjs'],
];
const only = process.argv.slice(2);

const results = [];
for (const args of HARNESSES.filter((a) => only.length === 0 || only.some((o) => a.at(-1).includes(o)))) {
  const harness = args.at(-1);
  process.stderr.write(`\n== ${harness}\n`);
  const run = spawnSync(process.execPath, args, {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 15 * 60_000,
  });
  const lines = (run.stdout ?? '').split('\n').filter((l) => l.trim().startsWith('{'));
  for (const line of lines) {
    try {
      results.push({ harness, ...JSON.parse(line) });
      process.stdout.write(`${line}\n`);
    } catch {}
  }
  if (run.status !== 0) results.push({ harness, error: `exit ${run.status ?? run.signal}` });
}

const report = {
  date: new Date().toISOString(),
  machine: {
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model,
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
  },
  results,
};
mkdirSync(path.join(root, 'bench/results'), { recursive: true });
writeFileSync(path.join(root, 'bench/results/latest.json'), `${JSON.stringify(report, null, 2)}\n`);
process.stderr.write('\nwritten to bench/results/latest.json; record the figures in docs/benchmarks.md\n');
if (results.some((r) => r.error)) process.exitCode = 1;

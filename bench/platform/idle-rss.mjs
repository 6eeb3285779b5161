// RSS of `elwosa start --target all` idle after start (embedded PGlite, in-process cache),
// against a bare Node process measured in the same run. Target: ≤ 250 MB. Measured twice on
// one data dir: the first start (which creates the database: initdb) and a restart (every
// later start).
// Run: node bench/platform/idle-rss.mjs (after `make build`). Prints one JSON line.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { platformPortEnv } from '../../test-support/platform-process.ts';

const root = path.resolve(import.meta.dirname, '../..');
const SETTLE_MS = Number(process.env.SETTLE_MS ?? 5000);

async function rssMb(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) / 1024;
}

async function measure(args, env, ready) {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: 'ignore' });
  try {
    await ready();
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    return await rssMb(child.pid);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

const dataDir = await mkdtemp(path.join(tmpdir(), 'elwosa-rss-'));
const ports = await platformPortEnv();
const { DATABASE_URL: _d, REDIS_URL: _r, ...rest } = process.env;
process.env = rest;
try {
  const baseline = await measure(['-e', 'setInterval(() => {}, 1000)'], {}, async () => {});
  const start = async () => {
    const started = performance.now();
    let startMs = 0;
    const rss = await measure(
      [path.join(root, 'services/cli/bin/elwosa.js'), 'start', '--target', 'all'],
      { ELWOSA_DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...ports },
      async () => {
        for (;;) {
          try {
            if ((await fetch(`http://127.0.0.1:${ports.ELWOSA_PORT_GATEWAY}/readyz`)).ok) break;
          } catch {}
          await new Promise((r) => setTimeout(r, 100));
        }
        startMs = performance.now() - started;
      },
    );
    return { rss: Math.round(rss), startMs: Math.round(startMs) };
  };
  const first = await start();
  const restart = await start();
  console.log(
    JSON.stringify({
      bench: 'platform-idle-rss',
      baselineNodeRssMb: Math.round(baseline),
      allInOneRssMb: restart.rss,
      firstStartRssMb: first.rss,
      targetMb: 250,
      startToReadyMs: restart.startMs,
      firstStartToReadyMs: first.startMs,
    }),
  );
} finally {
  await rm(dataDir, { recursive: true, force: true });
}

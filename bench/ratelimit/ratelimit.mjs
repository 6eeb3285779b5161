#!/usr/bin/env node
// Rate-limiter decisions per second against Redis, with a baseline measured in the same run:
// plain Redis INCR round trips at the same concurrency (the ceiling for any one-round-trip
// limiter on this machine). Phases alternate to spread machine noise over both sides.
// Prints one JSON line.
//
//   npx tsc -b services/runtime && node bench/ratelimit/ratelimit.mjs
//   env: REDIS_URL (redis://127.0.0.1:6379), CONCURRENCY (50), PHASE_MS (2000), ROUNDS (3), KEYS (10000)
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';

const dist = new URL('../../services/runtime/dist/cache/index.js', import.meta.url);
if (!existsSync(dist)) {
  console.error('services/runtime is not built: run `npx tsc -b services/runtime` first');
  process.exit(2);
}
const { MemoryCacheBus, MemoryStore, RedisCacheBus } = await import(dist.href);

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const concurrency = Number(process.env.CONCURRENCY ?? 50);
const phaseMs = Number(process.env.PHASE_MS ?? 2000);
const rounds = Number(process.env.ROUNDS ?? 3);
const keyCount = Number(process.env.KEYS ?? 10_000);
const prefix = `bench:ratelimit:${randomUUID()}:`;
const policy = { limit: 100, windowMs: 60_000 }; // the gateway's per-user policy

/** Runs `op(i)` from `concurrency` workers for `ms`; returns ops/s and latency percentiles. */
async function phase(ms, op) {
  const latencies = [];
  let n = 0;
  const deadline = performance.now() + ms;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const t = performance.now();
        await op(n++);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p) =>
    round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0, 3);
  return { opsPerSec: latencies.length / elapsed, p50Ms: pct(0.5), p99Ms: pct(0.99) };
}

const round = (x, digits = 0) => Number(x.toFixed(digits));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const raw = new Redis(url);
const bus = await RedisCacheBus.connect({ url, keyPrefix: prefix });
if (bus.status() !== 'ready') {
  console.error(`Redis at ${url} is not reachable`);
  process.exit(2);
}
const redisVersion = /redis_version:(\S+)/.exec(await raw.info('server'))?.[1];

try {
  let allowed = 0;
  let denied = 0;
  const incr = (i) => raw.incr(`${prefix}incr:${i % keyCount}`);
  const limit = async (i) => {
    const decision = await bus.rateLimit(`user:${i % keyCount}`, policy);
    if (decision.allowed) allowed++;
    else denied++;
  };
  // Warm-up: connections, script load (EVALSHA after the first NOSCRIPT), JIT.
  await phase(300, incr);
  await phase(300, limit);

  const baseline = [];
  const limiter = [];
  for (let r = 0; r < rounds; r++) {
    baseline.push(await phase(phaseMs, incr));
    limiter.push(await phase(phaseMs, limit));
  }

  // Exactness under the same load: one hot key, everyone hammering it.
  let hotAllowed = 0;
  const hot = await phase(1000, async () => {
    if ((await bus.rateLimit('hot', policy)).allowed) hotAllowed++;
  });

  // The in-process limiter, for scale (same policy, same concurrency).
  const memory = new MemoryCacheBus({ store: new MemoryStore(), keyPrefix: prefix });
  const inProcess = await phase(1000, (i) => memory.rateLimit(`user:${i % keyCount}`, policy));
  await memory.close();

  const b = median(baseline.map((x) => x.opsPerSec));
  const l = median(limiter.map((x) => x.opsPerSec));
  console.log(
    JSON.stringify({
      bench: 'ratelimit',
      redis: redisVersion,
      node: process.version,
      concurrency,
      phaseMs,
      rounds,
      keys: keyCount,
      policy,
      baselineIncrOpsPerSec: round(b),
      rateLimitOpsPerSec: round(l),
      ratioToBaseline: round(l / b, 3),
      baselineLatencyMs: {
        p50: median(baseline.map((x) => x.p50Ms)),
        p99: median(baseline.map((x) => x.p99Ms)),
      },
      rateLimitLatencyMs: {
        p50: median(limiter.map((x) => x.p50Ms)),
        p99: median(limiter.map((x) => x.p99Ms)),
      },
      decisions: { allowed, denied },
      hotKey: { decisions: round(hot.opsPerSec), allowed: hotAllowed, exact: hotAllowed === policy.limit },
      inProcessOpsPerSec: round(inProcess.opsPerSec),
    }),
  );
  if (hotAllowed !== policy.limit) process.exitCode = 1;
} finally {
  let cursor = '0';
  do {
    const [next, keys] = await raw.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await raw.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  await bus.close();
  raw.disconnect();
}

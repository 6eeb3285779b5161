#!/usr/bin/env node
// WebSocket fan-out at the gateway: CLIENTS connected clients (default 5,000: one "hot" user with
// 10 sockets, every other user with one) against one gateway process, events published with the
// runtime's publishUserEvent to the real Redis (as the services do) from this process, which also
// holds every client socket. Scenarios, each measured publish → receive on the client:
//   oneUser        HOT_EVENTS events to the hot user (10 sockets each), one every 10 ms
//   allUsersPaced  one event to every user, spread at RATE events/s
//   allUsersBurst  one event to every user, all published at once (time until the last arrives)
// Memory: the server's RSS (after a full GC) before connecting, with every socket idle and after
// closing them; the RSS and heap-used growth per 1,000 idle sockets. RSS growth includes what V8
// and the allocator grew to during the connection storm and keep afterwards (the young
// generation is reported; RSS after closing every socket shows the high-water part). Same-run baseline: a bare `ws` server relaying the same Redis
// channel (servers.mjs `raw`), measured with the same clients and scenarios.
// One JSON line on stdout.
//
//   npx tsc -b && node bench/ws/ws-fanout.mjs
//   env: CLIENTS (5000), HOT_EVENTS (200), RATE (2500), REDIS_URL (redis://127.0.0.1:6379),
//        SERVERS (raw,gateway), CONNECT_CONCURRENCY (50 upgrades in flight). Needs ~CLIENTS file descriptors per process (`ulimit -n` ≥ 12000).
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { reachable, round } from '../lib.mjs';
import { runServer } from './servers.mjs';

const root = new URL('../../', import.meta.url);
async function main() {
  for (const dist of ['services/runtime/dist/index.js', 'services/gateway/dist/index.js']) {
    if (!existsSync(new URL(dist, root))) {
      console.error(`${dist} is missing: run \`npx tsc -b\` first`);
      process.exit(2);
    }
  }
  const clients = Number(process.env.CLIENTS ?? 5000);
  const hotSockets = 10;
  const hotEvents = Number(process.env.HOT_EVENTS ?? 200);
  const rate = Number(process.env.RATE ?? 2500);
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const servers = (process.env.SERVERS ?? 'raw,gateway').split(',');
  if (!(await reachable(redisUrl))) {
    console.error(`Redis (${redisUrl}) is unreachable: the fan-out bench publishes through it`);
    process.exit(2);
  }
  const runtime = await import(new URL('services/runtime/dist/index.js', root).href);
  const prefix = `bench:ws:${randomUUID()}:`;
  const cache = await runtime.createCacheBus({ redisUrl, keyPrefix: prefix });
  const users = await makeUsers(runtime, cache, clients - hotSockets + 1);
  const hot = users[0];
  const sockets = [...Array.from({ length: hotSockets - 1 }, () => hot), ...users];

  const results = {};
  try {
    for (const kind of servers) {
      const server = await spawnServer(kind, {
        BENCH_REDIS_URL: redisUrl,
        BENCH_PREFIX: prefix,
        BENCH_JWK: users.jwk,
      });
      try {
        results[kind] = await measure({ runtime, cache, server, kind, sockets, users, hot, hotEvents, rate });
      } finally {
        await stop(server.child);
      }
    }
  } finally {
    await cache.close();
  }
  const g = results.gateway;
  const b = results.raw;
  console.log(
    JSON.stringify({
      bench: 'ws-fanout',
      node: process.version,
      clients,
      users: users.length,
      hotUserSockets: hotSockets,
      gateway: g,
      baseline: b ? { server: 'bare ws + Redis relay', ...b } : undefined,
      targets: { p99Ms: '<= 100' },
      pass: g
        ? [g.oneUser, g.allUsersPaced].every((s) => s.p99Ms <= 100) &&
          [g.oneUser, g.allUsersPaced, g.allUsersBurst].every((s) => s.lost === 0)
        : undefined,
    }),
  );
}

/** Users with a live session and a signed access token (the gateway checks both). */
async function makeUsers(runtime, cache, n) {
  const { SignJWT, exportJWK, generateKeyPair } = await import('jose');
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'EdDSA', use: 'sig' };
  const now = Math.floor(Date.now() / 1000);
  const users = [];
  for (let i = 0; i < n; i++) {
    const id = randomUUID();
    const sid = randomUUID();
    const token = await new SignJWT({ sid, roles: ['user'] })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'bench', typ: 'at+jwt' })
      .setSubject(id)
      .setIssuer('elwosa')
      .setAudience('elwosa')
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(privateKey);
    users.push({ id, token });
    await cache.set(runtime.activeSessionKey(sid), id, { ttlMs: 3_600_000 });
  }
  users.jwk = JSON.stringify(jwk);
  return users;
}

async function measure({ runtime, cache, server, kind, sockets, users, hot, hotEvents, rate }) {
  const idle = await memoryOf(server.child);
  const started = performance.now();
  const open = await connectAll(server.port, kind, sockets);
  const connectS = (performance.now() - started) / 1000;
  await sleep(1000);
  const connected = await memoryOf(server.child);
  const per1000 = (bytes) => round(bytes / 2 ** 20 / (sockets.length / 1000), 2);

  const publish = (user, label, i) =>
    runtime.publishUserEvent(cache, user.id, 'bench.event', { label, i, t: performance.now() });
  const oneUser = await scenario(hotEvents * 10, async () => {
    for (let i = 0; i < hotEvents; i++) {
      void publish(hot, 'one', i);
      await sleep(10);
    }
  });
  const allUsersPaced = await scenario(sockets.length, async () => {
    const perTick = Math.max(1, Math.round(rate / 100));
    for (let i = 0; i < users.length; i += perTick) {
      for (const user of users.slice(i, i + perTick)) void publish(user, 'paced', i);
      await sleep(10);
    }
  });
  const allUsersBurst = await scenario(sockets.length, async () => {
    await Promise.all(users.map((user, i) => publish(user, 'burst', i)));
  });
  for (const ws of open) ws.terminate();
  await sleep(1000);
  const closed = await memoryOf(server.child);
  return {
    connectSeconds: round(connectS, 1),
    rssMb: {
      beforeConnecting: mb(idle.rss),
      withSocketsIdle: mb(connected.rss),
      afterClosing: mb(closed.rss),
    },
    youngGenerationMb: { beforeConnecting: mb(idle.young), withSocketsIdle: mb(connected.young) },
    rssMbPer1000IdleSockets: per1000(connected.rss - idle.rss),
    heapMbPer1000IdleSockets: per1000(connected.heapUsed - idle.heapUsed),
    oneUser,
    allUsersPaced: { ratePerS: rate, ...allUsersPaced },
    allUsersBurst,
  };
}

const onEvent = new Set();

/** Runs `publishAll` and collects the latencies of `expected` deliveries (10 s grace for stragglers). */
async function scenario(expected, publishAll) {
  const latencies = [];
  let done;
  const finished = new Promise((r) => {
    done = r;
  });
  const listener = (latencyMs) => {
    latencies.push(latencyMs);
    if (latencies.length === expected) done();
  };
  onEvent.add(listener);
  const t0 = performance.now();
  await publishAll();
  await Promise.race([finished, sleep(10_000)]);
  const wallMs = performance.now() - t0;
  onEvent.delete(listener);
  latencies.sort((a, b) => a - b);
  const pct = (p) =>
    round(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN, 1);
  return {
    deliveries: latencies.length,
    lost: expected - latencies.length,
    p50Ms: pct(50),
    p99Ms: pct(99),
    maxMs: round(latencies.at(-1) ?? NaN, 1),
    wallMs: round(wallMs, 0),
  };
}

async function connectAll(port, kind, sockets) {
  const { default: WebSocket } = await import('ws');
  const open = [];
  const connectOne = (user) =>
    new Promise((resolve, reject) => {
      const ws =
        kind === 'gateway'
          ? new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers: { authorization: `Bearer ${user.token}` } })
          : new WebSocket(`ws://127.0.0.1:${port}/ws?user=${user.id}`);
      ws.once('message', () => resolve(ws)); // hello
      ws.once('error', reject);
      ws.on('message', (data) => {
        const now = performance.now();
        const message = JSON.parse(data);
        if (message.type !== 'bench.event') return;
        for (const listener of onEvent) listener(now - message.data.t);
      });
    });
  const queue = [...sockets];
  const workers = Array.from({ length: Number(process.env.CONNECT_CONCURRENCY ?? 50) }, async () => {
    for (let user = queue.pop(); user; user = queue.pop()) open.push(await connectOne(user));
  });
  await Promise.all(workers);
  return open;
}

function spawnServer(kind, env) {
  return new Promise((resolve, reject) => {
    const child = fork(new URL(import.meta.url).pathname, [], {
      env: { ...process.env, ...env, BENCH_ROLE: kind },
      execArgv: ['--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.once('message', (m) => resolve({ child, port: m.port }));
    child.once('exit', (code) => reject(new Error(`${kind} exited with ${code}`)));
  });
}

function memoryOf(child) {
  return new Promise((resolve) => {
    child.once('message', resolve);
    child.send('mem');
  });
}

function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const mb = (bytes) => round(bytes / 2 ** 20, 1);

const role = process.env.BENCH_ROLE;
if (role) await runServer(role);
else await main();

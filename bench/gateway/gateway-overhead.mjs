#!/usr/bin/env node
// Gateway overhead: authenticated `GET /api/auth/me` through the gateway vs directly against
// the upstream, in the same run (autocannon, 50 connections, one user per connection). Phases
// alternate to spread machine noise over both sides. At 50 connections both sides run at
// saturation, where p50 is queueing (connections ÷ throughput); the hop's own latency is
// measured separately, one request at a time (`sequential`). Prints one JSON line.
//
// UPSTREAM=auth (the default when PostgreSQL is reachable): the real auth service on a scratch
// database (created and dropped by the bench), users registered and logged in through its API,
// the gateway reading its JWKS. UPSTREAM=stand-in: the runtime's service host (express app,
// helmet, access log, metrics) with `me` bound through the runtime binder, so it verifies the
// JWT and checks the live session in the cache exactly as auth does, but without a database.
// Gateway, upstream and load generator run in three processes (one target per process). A
// bare proxy (node:http + undici dispatch, nothing but forwarding the Authorization header) is
// measured in the same run as the floor of any Node proxy hop on this machine.
//
//   npx tsc -b && node bench/gateway/gateway-overhead.mjs
//   env: UPSTREAM (auth | stand-in), PG_URL (postgres://postgres@127.0.0.1:5432/postgres),
//        REDIS_URL (redis://127.0.0.1:6379; in-process cache when unreachable), DURATION_S (5),
//        ROUNDS (2), CONNECTIONS (50), SEQUENTIAL_REQUESTS (1000), LOG_LEVEL (info),
//        BENCH_PROFILE (gateway|upstream: CPU profile of that process into /tmp/gwbench-prof),
//        BENCH_LOGS (1: show the services' logs)
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import http from 'node:http';
import { benchTokens, median, reachable, round } from '../lib.mjs';

const root = new URL('../../', import.meta.url);
const runtimeDist = new URL('services/runtime/dist/index.js', root);
const gatewayDist = new URL('services/gateway/dist/index.js', root);
for (const dist of [runtimeDist, gatewayDist]) {
  if (!existsSync(dist)) {
    console.error(`${dist.pathname} is missing: run \`npx tsc -b\` first`);
    process.exit(2);
  }
}

const SEQUENTIAL_REQUESTS = Number(process.env.SEQUENTIAL_REQUESTS ?? 1000);
const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });

const role = process.env.BENCH_ROLE;
if (role) await child(role);
else await main();

// ---------------------------------------------------------------------------------------------

async function main() {
  const autocannon = (await import('autocannon')).default;
  const durationS = Number(process.env.DURATION_S ?? 5);
  const rounds = Number(process.env.ROUNDS ?? 2);
  const connections = Number(process.env.CONNECTIONS ?? 50);
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const useRedis = await reachable(redisUrl);
  const pgUrl = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const upstreamKind = process.env.UPSTREAM ?? ((await reachable(pgUrl)) ? 'auth' : 'stand-in');
  if (upstreamKind === 'auth')
    return benchAgainst('auth', { autocannon, durationS, rounds, connections, useRedis, redisUrl, pgUrl });

  const { jwk, users, tokens } = await benchTokens(connections);
  const shared = {
    BENCH_UPSTREAM: 'stand-in',
    BENCH_JWK: JSON.stringify(jwk),
    BENCH_USERS: JSON.stringify(users),
    BENCH_PREFIX: `bench:gateway:${randomUUID()}:`,
    ...(useRedis ? { BENCH_REDIS_URL: redisUrl } : {}),
  };
  const upstream = await spawnRole('upstream', shared);
  const { gateway, bare } = await spawnProxies(shared, upstream);
  try {
    await measure({
      autocannon,
      durationS,
      rounds,
      connections,
      useRedis,
      upstream,
      gateway,
      bare,
      tokens,
      upstreamKind,
    });
  } finally {
    await stopAll([upstream, gateway, bare]);
  }
}

/** The real auth service on a scratch database. */
async function benchAgainst(_kind, o) {
  const pg = (await import('pg')).default;
  const dbName = `elwosa_bench_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const admin = async (sql) => {
    const client = new pg.Client({ connectionString: o.pgUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE "${dbName}"`);
  const dbUrl = new URL(o.pgUrl);
  dbUrl.pathname = `/${dbName}`;
  const shared = {
    BENCH_UPSTREAM: 'auth',
    BENCH_PREFIX: `bench:gateway:${randomUUID()}:`,
    BENCH_DATABASE_URL: dbUrl.toString(),
    BENCH_DATA_DIR: `/tmp/elwosa-bench-${randomUUID()}`,
    ...(o.useRedis ? { BENCH_REDIS_URL: o.redisUrl } : {}),
  };
  let upstream;
  let gateway;
  let bare;
  try {
    upstream = await spawnRole('upstream', shared);
    ({ gateway, bare } = await spawnProxies(shared, upstream));
    const base = `http://127.0.0.1:${upstream.port}/api/auth`;
    const post = (path, body) =>
      fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const tokens = [];
    for (let i = 0; i < o.connections; i++) {
      const credentials = {
        email: `bench-${i}-${randomUUID()}@example.com`,
        password: 'correct horse battery staple',
      };
      const reg = await post('/register', { ...credentials, name: `Bench ${i}` });
      if (reg.status !== 202) throw new Error(`register: ${reg.status} ${await reg.text()}`);
      const login = await post('/login', credentials);
      if (login.status !== 200) throw new Error(`login: ${login.status} ${await login.text()}`);
      tokens.push((await login.json()).accessToken);
    }
    await measure({ ...o, upstream, gateway, bare, tokens, upstreamKind: 'auth' });
  } finally {
    await stopAll([upstream, gateway, bare].filter(Boolean));
    await admin(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  }
}

async function measure({
  autocannon,
  durationS,
  rounds,
  connections,
  useRedis,
  upstream,
  gateway,
  bare,
  tokens,
  upstreamKind,
}) {
  const cpu = async () => ({
    upstream: await cpuOf(upstream.child),
    gateway: await cpuOf(gateway.child),
    bare: await cpuOf(bare.child),
  });
  const run = async (port, seconds) => {
    let next = 0;
    const before = await cpu();
    const result = await autocannon({
      url: `http://127.0.0.1:${port}/api/auth/me`,
      connections,
      duration: seconds,
      setupClient: (client) =>
        client.setHeaders({ authorization: `Bearer ${tokens[next++ % tokens.length]}` }),
    });
    const after = await cpu();
    return {
      reqPerSec: result.requests.average,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      non2xx: result.non2xx + result.errors + result.timeouts,
      upstreamCpuMsPerReq: (after.upstream - before.upstream) / result.requests.total,
      gatewayCpuMsPerReq: (after.gateway - before.gateway) / result.requests.total,
      bareCpuMsPerReq: (after.bare - before.bare) / result.requests.total,
    };
  };

  await run(upstream.port, 1);
  await run(gateway.port, 1);
  // The hop's own latency, without queueing: one request at a time, alternating sides.
  const sequentialDirect = [];
  const sequentialThrough = [];
  for (let i = 0; i < SEQUENTIAL_REQUESTS; i++) {
    sequentialDirect.push(await timedGet(upstream.port, tokens[i % tokens.length]));
    sequentialThrough.push(await timedGet(gateway.port, tokens[i % tokens.length]));
  }
  const sequential = {
    requests: SEQUENTIAL_REQUESTS,
    directP50Ms: round(percentile(sequentialDirect, 0.5), 3),
    gatewayP50Ms: round(percentile(sequentialThrough, 0.5), 3),
    directP99Ms: round(percentile(sequentialDirect, 0.99), 3),
    gatewayP99Ms: round(percentile(sequentialThrough, 0.99), 3),
  };
  sequential.addedP50Ms = round(sequential.gatewayP50Ms - sequential.directP50Ms, 3);
  const direct = [];
  const through = [];
  const floor = [];
  for (let r = 0; r < rounds; r++) {
    direct.push(await run(upstream.port, durationS));
    through.push(await run(gateway.port, durationS));
    floor.push(await run(bare.port, durationS));
  }
  const summary = (xs) => ({
    reqPerSec: Math.round(median(xs.map((x) => x.reqPerSec))),
    p50Ms: median(xs.map((x) => x.p50Ms)),
    p99Ms: median(xs.map((x) => x.p99Ms)),
    failed: xs.reduce((n, x) => n + x.non2xx, 0),
    cpuMsPerRequest: {
      upstream: round(median(xs.map((x) => x.upstreamCpuMsPerReq)), 3),
      gateway: round(median(xs.map((x) => x.gatewayCpuMsPerReq)), 3),
      bareProxy: round(median(xs.map((x) => x.bareCpuMsPerReq)), 3),
    },
  });
  const d = summary(direct);
  const g = summary(through);
  const b = summary(floor);
  const throughputRatio = round(g.reqPerSec / d.reqPerSec, 3);
  const addedP50Ms = round(g.p50Ms - d.p50Ms, 2);
  console.log(
    JSON.stringify({
      bench: 'gateway-overhead',
      node: process.version,
      cache: useRedis ? 'redis' : 'in-process',
      upstream:
        upstreamKind === 'auth'
          ? 'auth service (PostgreSQL)'
          : 'auth stand-in (runtime service host: JWT + live-session check, no database)',
      connections,
      durationS,
      rounds,
      direct: d,
      gateway: g,
      bareProxy: b,
      throughputRatio,
      bareProxyThroughputRatio: round(b.reqPerSec / d.reqPerSec, 3),
      addedP50Ms,
      sequential,
      targets: { throughputRatio: '>= 0.6', addedP50Ms: '<= 2' },
      pass: throughputRatio >= 0.6 && addedP50Ms <= 2 && d.failed === 0 && g.failed === 0,
    }),
  );
}

/** The two hops in front of `upstream`: the gateway, and the bare proxy it is compared with. */
async function spawnProxies(shared, upstream) {
  const target = { BENCH_AUTH_URL: `http://127.0.0.1:${upstream.port}` };
  const gateway = await spawnRole('gateway', { ...shared, ...target });
  const bare = await spawnRole('bare-proxy', target).catch(async (err) => {
    await stopAll([gateway]);
    throw err;
  });
  return { gateway, bare };
}

function stopAll(roles) {
  return Promise.all(
    roles.map(
      ({ child }) =>
        new Promise((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', resolve);
          child.kill('SIGTERM');
        }),
    ),
  );
}

function spawnRole(name, env) {
  return new Promise((resolve, reject) => {
    const child = fork(new URL(import.meta.url).pathname, [], {
      env: { ...process.env, ...env, BENCH_ROLE: name },
      ...(process.env.BENCH_PROFILE === name
        ? { execArgv: ['--cpu-prof', '--cpu-prof-dir=/tmp/gwbench-prof'] }
        : {}),
      stdio: ['ignore', process.env.BENCH_LOGS === '1' ? 'inherit' : 'ignore', 'inherit', 'ipc'],
    });
    child.once('message', (m) => resolve({ child, port: m.port }));
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
  });
}

// ---------------------------------------------------------------------------------------------

async function child(name) {
  const runtime = await import(runtimeDist.href);
  const { createLocalJWKSet } = await import('jose');
  const { z } = await import('zod');
  const standIn = process.env.BENCH_UPSTREAM === 'stand-in';
  const users = standIn ? JSON.parse(process.env.BENCH_USERS) : [];
  const tokenKeys = standIn ? createLocalJWKSet({ keys: [JSON.parse(process.env.BENCH_JWK)] }) : undefined;
  runtime.installTracePropagation();
  const config = runtime.toPlatformConfig(
    runtime.platformEnvSchema.parse({
      ELWOSA_DATA_DIR: process.env.BENCH_DATA_DIR ?? '/tmp/elwosa-bench',
      ELWOSA_RATE_LIMIT_PER_MINUTE: '1000000',
      ...(process.env.BENCH_AUTH_URL ? { ELWOSA_SERVICE_AUTH_URL: process.env.BENCH_AUTH_URL } : {}),
    }),
  );
  config.ports.gateway = 0;
  config.ports.auth = 0;
  const logger = runtime.createLogger({ level: process.env.LOG_LEVEL ?? 'info' });
  const lifecycle = new runtime.Lifecycle(logger, 5000);
  const cache = await runtime.createCacheBus({
    ...(process.env.BENCH_REDIS_URL ? { redisUrl: process.env.BENCH_REDIS_URL } : {}),
    keyPrefix: process.env.BENCH_PREFIX,
  });
  for (const { sub, sid } of users) await cache.set(runtime.activeSessionKey(sid), sub, { ttlMs: 3_600_000 });
  const deps = {
    config,
    env: process.env,
    logger,
    lifecycle,
    cache,
    databaseUrl: process.env.BENCH_DATABASE_URL ?? '',
    migrateOnStart: true,
  };
  const me = runtime.defineRoute({
    operationId: 'getMe',
    method: 'get',
    path: '/api/auth/me',
    summary: 'The current user',
    tags: ['auth'],
    auth: 'authenticated',
    responses: { 200: { description: 'the user', schema: z.object({ id: z.string() }) } },
  });
  let port;
  if (name === 'upstream' && !standIn) {
    const { startAuth } = await import(new URL('services/auth/dist/index.js', root).href);
    port = (await startAuth(deps)).port;
  } else if (name === 'upstream') {
    const host = runtime.createServiceHost({ target: 'auth', deps, tokenKeys });
    host.binder.bind(host.router, me, ({ identity }) => ({
      body: {
        id: identity.userId,
        email: `${identity.userId}@example.com`,
        name: 'Bench User',
        roles: identity.roles,
        mfaEnabled: false,
        disabled: false,
        createdAt: new Date(0).toISOString(),
      },
    }));
    port = (await host.start()).port;
  } else if (name === 'bare-proxy') {
    port = await startBareProxy(process.env.BENCH_AUTH_URL);
  } else {
    const { startGateway } = await import(gatewayDist.href);
    port = (await startGateway(deps, { routeSpecs: [me], ...(tokenKeys ? { tokenKeys } : {}) })).port;
  }
  process.on('SIGTERM', () => {
    void lifecycle.shutdown('bench done').then(() => process.exit(0));
  });
  process.on('message', () => {
    const { user, system } = process.cpuUsage();
    process.send({ cpuMs: (user + system) / 1000 });
  });
  process.send({ port });
}

/** One authenticated GET /api/auth/me; its latency in ms. */
function timedGet(port, token) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = http.get(
      {
        host: '127.0.0.1',
        port,
        path: '/api/auth/me',
        agent: keepAlive,
        headers: { authorization: `Bearer ${token}` },
      },
      (res) => {
        res.resume();
        res.once('end', () => {
          if (res.statusCode !== 200) reject(new Error(`GET /api/auth/me: ${res.statusCode}`));
          else resolve(Number(process.hrtime.bigint() - started) / 1e6);
        });
      },
    );
    req.once('error', reject);
  });
}

function percentile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** The floor: a proxy that only forwards (node:http in, undici dispatch out, body written through). */
async function startBareProxy(origin) {
  const { Agent } = await import('undici');
  const agent = new Agent({ connections: 512, pipelining: 1, keepAliveTimeout: 30_000 });
  const server = http.createServer((req, res) => {
    agent.dispatch(
      { origin, path: req.url, method: req.method, headers: { authorization: req.headers.authorization } },
      {
        onRequestStart() {},
        onResponseStart(_controller, statusCode, headers) {
          res.writeHead(statusCode, headers);
        },
        onResponseData(controller, chunk) {
          if (!res.write(chunk)) {
            controller.pause();
            res.once('drain', () => controller.resume());
          }
        },
        onResponseEnd() {
          res.end();
        },
        onResponseError() {
          res.destroy();
        },
      },
    );
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server.address().port;
}

/** CPU time (user + system, ms) a child process has used so far. */
function cpuOf(child) {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m.cpuMs));
    child.send('cpu');
  });
}

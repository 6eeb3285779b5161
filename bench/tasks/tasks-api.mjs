#!/usr/bin/env node
// Task API benchmark: create, list a page of 50 with a filter, and update, through the gateway
// (gateway process → tasks process, JWT + live-session check, validation, Prisma, events in
// Redis) against a baseline that runs the same SQL with raw `pg` behind a bare node:http
// server, measured in the same run on the same database (real PostgreSQL and Redis). Phases
// alternate between the two sides to spread machine noise. Besides each side's own processes,
// the CPU per request of the PostgreSQL backends on the bench database and of Redis is reported
// (null when PostgreSQL is not on this machine). Prints one JSON line.
//
//   npx tsc -b && node bench/tasks/tasks-api.mjs
//   env: PG_URL (postgres://postgres@127.0.0.1:5432/postgres), REDIS_URL (redis://127.0.0.1:6379),
//        DURATION_S (5), ROUNDS (2), CONNECTIONS (32), SEED_PER_USER (200), BENCH_LOGS (1: show logs),
//        BENCH_PROFILE (auth,tasks | gateway: CPU profile of that process into /tmp/tasks-bench-prof),
//        SCENARIOS (create,list,update), SIDES (service,direct,baseline: a subset gives no ratios)
import { fork, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { median, reachable, round } from '../lib.mjs';

const root = new URL('../../', import.meta.url);
const bin = new URL('services/cli/bin/elwosa.js', root).pathname;
const tasksDist = (file) => new URL(`services/tasks/dist/${file}`, root).href;
for (const file of [new URL('services/cli/dist/main.js', root), new URL(tasksDist('store/task-sql.js'))]) {
  if (!existsSync(file)) {
    console.error(`${file.pathname} is missing: run \`npx tsc -b\` first`);
    process.exit(2);
  }
}

/** The list request both sides answer: open tasks, first page of 50, default sort. */
const LIST = { status: ['todo'], limit: 50, sort: '-createdAt' };
/** Every update really changes the task (a change that changes nothing is not written). */
let updates = 0;
const updateBody = () => JSON.stringify({ title: `renamed by the benchmark ${++updates}`, priority: 'high' });
const CREATE_BODY = {
  title: 'benchmark task',
  priority: 'medium',
  tags: ['bench'],
  dueAt: '2030-01-01T00:00:00Z',
};

if (process.env.BENCH_ROLE === 'baseline') await baseline();
else await main();

// ---------------------------------------------------------------------------------------------

async function main() {
  const autocannon = (await import('autocannon')).default;
  const pg = (await import('pg')).default;
  const loadAtStart = round(os.loadavg()[0], 2);
  const durationS = Number(process.env.DURATION_S ?? 5);
  const rounds = Number(process.env.ROUNDS ?? 2);
  const connections = Number(process.env.CONNECTIONS ?? 32);
  const seedPerUser = Number(process.env.SEED_PER_USER ?? 200);
  const pgUrl = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  for (const [name, url] of [
    ['PostgreSQL', pgUrl],
    ['Redis', redisUrl],
  ]) {
    if (!(await reachable(url))) {
      console.error(`${name} at ${url} is unreachable: this benchmark needs the real backends`);
      process.exit(2);
    }
  }

  const dbName = `elwosa_bench_tasks_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const admin = async (sql) => {
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE "${dbName}"`);
  const dbUrl = new URL(pgUrl);
  dbUrl.pathname = `/${dbName}`;
  const dataDir = await mkdtemp(path.join(tmpdir(), 'elwosa-bench-tasks-'));
  const ports = { gateway: await freePort(), auth: await freePort(), tasks: await freePort() };
  const env = {
    DATABASE_URL: dbUrl.toString(),
    REDIS_URL: redisUrl,
    ELWOSA_DATA_DIR: dataDir,
    ELWOSA_PORT_GATEWAY: String(ports.gateway),
    ELWOSA_PORT_AUTH: String(ports.auth),
    ELWOSA_PORT_TASKS: String(ports.tasks),
    ELWOSA_RATE_LIMIT_PER_MINUTE: '1000000',
    ELWOSA_DB_POOL_SIZE: '10',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  };
  const children = [];
  const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 4 });
  let redis;
  try {
    // Auth and tasks in one process, the gateway in another: one target set per process, as deployed.
    children.push(startPlatform(['auth,tasks'], env));
    await waitReady(`http://127.0.0.1:${ports.tasks}/readyz`, children[0]);
    children.push(startPlatform(['gateway'], env));
    await waitReady(`http://127.0.0.1:${ports.gateway}/readyz`, children[1]);
    const base = await forkBaseline({ DATABASE_URL: env.DATABASE_URL });
    children.push(base.child);

    const gateway = `http://127.0.0.1:${ports.gateway}`;
    const users = [];
    for (let i = 0; i < connections; i++) users.push(await signUp(gateway, i));
    for (const user of users) {
      await pool.query(
        `INSERT INTO tasks.tasks (id, owner_id, title, status, priority, tags, due_at)
         SELECT gen_random_uuid(), $1, 'seed ' || i, (ARRAY['todo','in_progress','blocked','done'])[1 + i % 4],
                i % 5, ARRAY['bench'], now() + i * interval '1 hour'
         FROM generate_series(1, $2) AS i`,
        [user.id, seedPerUser],
      );
      // One task per user that the update scenario rewrites on both sides.
      user.taskId = (
        await pool.query('SELECT id FROM tasks.tasks WHERE owner_id = $1 LIMIT 1', [user.id])
      ).rows[0].id;
    }
    await pool.query('ANALYZE tasks.tasks');

    const json = { 'content-type': 'application/json' };
    const sides = {
      service: {
        url: gateway,
        headers: (u) => ({ ...json, authorization: `Bearer ${u.token}` }),
        create: '/api/tasks',
        list: `/api/tasks?status=${LIST.status.join(',')}&limit=${LIST.limit}`,
        update: (u) => `/api/tasks/${u.taskId}`,
      },
      // The tasks service without the gateway in front: shows what the extra hop costs.
      direct: {
        url: `http://127.0.0.1:${ports.tasks}`,
        headers: (u) => ({ ...json, authorization: `Bearer ${u.token}` }),
        create: '/api/tasks',
        list: `/api/tasks?status=${LIST.status.join(',')}&limit=${LIST.limit}`,
        update: (u) => `/api/tasks/${u.taskId}`,
      },
      baseline: {
        url: `http://127.0.0.1:${base.port}`,
        headers: (u) => ({ ...json, 'x-owner': u.id }),
        create: '/tasks',
        list: '/tasks',
        update: (u) => `/tasks/${u.taskId}`,
      },
    };
    const scenarios = {
      create: (s, u) => ({
        method: 'POST',
        path: s.create,
        body: JSON.stringify(CREATE_BODY),
        headers: s.headers(u),
      }),
      list: (s, u) => ({ method: 'GET', path: s.list, headers: s.headers(u) }),
      update: (s, u) => ({
        method: 'PATCH',
        path: s.update(u),
        body: updateBody(),
        setupRequest: (req) => ({ ...req, body: updateBody() }),
        headers: s.headers(u),
      }),
    };
    const processesOf = {
      service: children.slice(0, 2),
      direct: children.slice(0, 1),
      baseline: [base.child],
    };
    const cpuOfSide = (side) => Promise.all(processesOf[side].map(cpuOfPid));
    redis = new Redis(redisUrl, { lazyConnect: true });
    await redis.connect();
    const backendsCpu = async () => ({
      postgres: await postgresCpuByPid(pool),
      redis: await redisCpuMs(redis),
    });
    const run = async (side, scenario, seconds) => {
      let next = 0;
      const s = sides[side];
      const before = await cpuOfSide(side);
      const backendsBefore = await backendsCpu();
      const result = await autocannon({
        url: s.url,
        connections,
        duration: seconds,
        setupClient: (client) => client.setRequests([scenarios[scenario](s, users[next++ % users.length])]),
      });
      const cpuMs = (await cpuOfSide(side)).map((ms, i) => ms - before[i]);
      const backendsAfter = await backendsCpu();
      const perRequest = (ms) => ms / Math.max(1, result.requests.total);
      // Backends that started during the phase count from zero; none at all: not on this machine.
      const postgresMs =
        backendsAfter.postgres.size === 0
          ? undefined
          : [...backendsAfter.postgres].reduce(
              (sum, [pid, ms]) => sum + ms - (backendsBefore.postgres.get(pid) ?? 0),
              0,
            );
      return {
        reqPerSec: result.requests.average,
        p50Ms: result.latency.p50,
        p99Ms: result.latency.p99,
        failed: result.non2xx + result.errors + result.timeouts,
        cpuMsPerReq: perRequest(cpuMs.reduce((a, b) => a + b, 0)),
        // The service side's two processes apart: auth+tasks, then the gateway.
        processCpuMsPerReq: cpuMs.map(perRequest),
        postgresCpuMsPerReq: postgresMs === undefined ? undefined : perRequest(postgresMs),
        redisCpuMsPerReq: perRequest(backendsAfter.redis - backendsBefore.redis),
      };
    };

    const report = {};
    const only = (name) => (process.env[name] ? process.env[name].split(',') : undefined);
    for (const scenario of Object.keys(scenarios).filter((s) => only('SCENARIOS')?.includes(s) ?? true)) {
      const measured = Object.fromEntries(
        ['baseline', 'service', 'direct']
          .filter((s) => only('SIDES')?.includes(s) ?? true)
          .map((s) => [s, []]),
      );
      for (const side of Object.keys(measured)) await run(side, scenario, 1);
      for (let r = 0; r < rounds; r++) {
        for (const side of Object.keys(measured)) measured[side].push(await run(side, scenario, durationS));
      }
      const summary = (xs) => ({
        reqPerSec: Math.round(median(xs.map((x) => x.reqPerSec))),
        p50Ms: median(xs.map((x) => x.p50Ms)),
        p99Ms: median(xs.map((x) => x.p99Ms)),
        failed: xs.reduce((n, x) => n + x.failed, 0),
        cpuMsPerRequest: round(median(xs.map((x) => x.cpuMsPerReq)), 3),
        backendsCpuMsPerRequest: {
          postgres:
            xs[0].postgresCpuMsPerReq === undefined
              ? null
              : round(median(xs.map((x) => x.postgresCpuMsPerReq)), 3),
          redis: round(median(xs.map((x) => x.redisCpuMsPerReq)), 3),
        },
        ...(xs[0].processCpuMsPerReq.length === 2
          ? {
              cpuMsPerRequestOf: {
                tasks: round(median(xs.map((x) => x.processCpuMsPerReq[0])), 3),
                gateway: round(median(xs.map((x) => x.processCpuMsPerReq[1])), 3),
              },
            }
          : {}),
      });
      if (Object.keys(measured).length < 3) {
        report[scenario] = Object.fromEntries(
          Object.entries(measured).map(([side, xs]) => [side, summary(xs)]),
        );
        continue;
      }
      const b = summary(measured.baseline);
      const s = summary(measured.service);
      const d = summary(measured.direct);
      report[scenario] = {
        service: s,
        baseline: b,
        throughputRatio: round(s.reqPerSec / b.reqPerSec, 3),
        withoutGateway: { ...d, throughputRatio: round(d.reqPerSec / b.reqPerSec, 3) },
      };
    }
    const ratios = Object.values(report).map((r) => r.throughputRatio ?? Number.NaN);
    const failed = Object.values(report).some((r) => Object.values(r).some((side) => side.failed > 0));
    console.log(
      JSON.stringify({
        bench: 'tasks-api',
        node: process.version,
        // Other work on the machine skews absolute figures; the ratios are measured side by side.
        loadAverage: { atStart: loadAtStart, atEnd: round(os.loadavg()[0], 2) },
        backends: 'PostgreSQL + Redis',
        service: 'gateway process → auth+tasks process (Prisma, adapter-pg, pool 10)',
        baseline: 'node:http + raw pg (pool 10), the same statements, no gateway/auth/validation/events',
        connections,
        durationS,
        rounds,
        seededTasksPerUser: seedPerUser,
        list: `status=todo, limit=50, sort=-createdAt`,
        scenarios: report,
        minThroughputRatio: Math.min(...ratios),
        target: { throughputRatio: '>= 0.5' },
        pass: Math.min(...ratios) >= 0.5 && !failed,
      }),
    );
  } finally {
    redis?.disconnect();
    await pool.end();
    await Promise.all(children.map(stop));
    await admin(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function signUp(gateway, i) {
  const credentials = {
    email: `bench-${i}-${randomUUID()}@example.com`,
    password: 'correct horse battery staple',
  };
  const post = (p, body) =>
    fetch(`${gateway}${p}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const reg = await post('/api/auth/register', { ...credentials, name: `Bench ${i}` });
  if (reg.status !== 202) throw new Error(`register: ${reg.status} ${await reg.text()}`);
  const login = await post('/api/auth/login', credentials);
  if (login.status !== 200) throw new Error(`login: ${login.status} ${await login.text()}`);
  const body = await login.json();
  return { id: body.user.id, token: body.accessToken };
}

function startPlatform(targets, env) {
  const profile = process.env.BENCH_PROFILE === targets.join(',');
  const execArgv = profile ? ['--cpu-prof', '--cpu-prof-dir=/tmp/tasks-bench-prof'] : [];
  return spawn(process.execPath, [...execArgv, bin, 'start', '--target', ...targets], {
    env: { ...process.env, ...env },
    stdio: ['ignore', process.env.BENCH_LOGS === '1' ? 'inherit' : 'ignore', 'inherit'],
  });
}

function forkBaseline(env) {
  return new Promise((resolve, reject) => {
    const child = fork(new URL(import.meta.url).pathname, [], {
      env: { ...process.env, ...env, BENCH_ROLE: 'baseline' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.once('message', (m) => resolve({ child, port: m.port }));
    child.once('exit', (code) => reject(new Error(`baseline exited with ${code}`)));
  });
}

async function waitReady(url, child, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: process exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not ready in time`);
}

function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

/** CPU (ms) of each PostgreSQL backend on the pool's database, by pid; empty when PostgreSQL runs elsewhere. */
async function postgresCpuByPid(pool) {
  const { readFile } = await import('node:fs/promises');
  const { rows } = await pool.query('SELECT pid FROM pg_stat_activity WHERE datname = current_database()');
  const byPid = new Map();
  for (const { pid } of rows) {
    // A pid of another machine's server may name an unrelated process here.
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (!cmdline.startsWith('postgres')) continue;
    const ms = await cpuOfPid({ pid }).catch(() => undefined);
    if (ms !== undefined) byPid.set(pid, ms);
  }
  return byPid;
}

/** Redis's own CPU so far (ms, every thread), from INFO. */
async function redisCpuMs(redis) {
  const info = await redis.info('cpu');
  const field = (name) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return (field('used_cpu_sys') + field('used_cpu_user')) * 1000;
}

/** CPU time (user + system, ms) of a child process so far, from /proc. */
async function cpuOfPid(child) {
  const { readFile } = await import('node:fs/promises');
  const stat = (await readFile(`/proc/${child.pid}/stat`, 'utf8')).split(') ')[1].split(' ');
  return ((Number(stat[11]) + Number(stat[12])) * 1000) / 100;
}

// ---------------------------------------------------------------------------------------------
// The baseline: the very statements the tasks service sends for the three operations (its
// statement builders from services/tasks/dist: the list query, read one, insert, write at a
// version — each write recording its change in the event outbox — and the batched removal of
// the records of published changes, every 100 ms as the service does), through raw pg, with
// the same row → DTO mapping; no HTTP framework, auth, validation or events.

async function baseline() {
  const pg = (await import('pg')).default;
  const { buildListQuery } = await import(tasksDist('store/list-query.js'));
  const sql = await import(tasksDist('store/task-sql.js'));
  const { removePublishedSql } = await import(tasksDist('store/outbox-sql.js'));
  const { stateOf, toTaskDto } = await import(tasksDist('store/db.js'));
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
  const query = async (statement) => (await pool.query(statement.text, statement.values)).rows;
  let published = [];
  const removal = setInterval(() => {
    if (published.length === 0) return;
    const keys = published.splice(0, 500);
    query(removePublishedSql(keys)).catch(() => {});
  }, 100);
  const written = (row) => {
    published.push({ taskId: row.id, version: row.version });
    return toTaskDto(row);
  };

  const handlers = {
    async create(owner, body) {
      const now = new Date();
      const state = {
        title: body.title,
        description: '',
        status: 'todo',
        priority: body.priority,
        dueAt: new Date(body.dueAt),
        startAt: null,
        tags: body.tags,
        steps: [],
        completedAt: null,
      };
      const [row] = await query(sql.insertTask(randomUUID(), owner, state, now));
      return [201, written(row)];
    },
    async list(owner) {
      const q = buildListQuery(
        { ownerId: owner, status: LIST.status },
        { field: 'createdAt', direction: 'desc' },
        undefined,
        LIST.limit + 1,
        new Date(),
      );
      const rows = await query(q);
      return [200, { items: rows.slice(0, LIST.limit).map(toTaskDto), nextCursor: null }];
    },
    // Like the service without If-Match: read, write at the version read, retry on a conflict.
    async update(owner, body, id) {
      for (let attempt = 0; attempt < 10; attempt++) {
        const [found] = await query(sql.selectOwnedTask(owner, id));
        if (!found) return [404, {}];
        const state = { ...stateOf(found), title: body.title, priority: body.priority };
        const [row] = await query(sql.updateAtVersion(owner, id, found.version, { state }, new Date()));
        if (row) return [200, written(row)];
      }
      return [409, {}];
    },
  };

  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    try {
      const owner = req.headers['x-owner'];
      const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : undefined;
      const id = req.url.split('/')[2]?.split('?')[0];
      const op = req.method === 'POST' ? 'create' : req.method === 'PATCH' ? 'update' : 'list';
      const [status, payload] = await handlers[op](owner, body, id);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
    } catch (err) {
      res.writeHead(500).end(String(err));
    }
  });
  server.keepAliveTimeout = 65_000;
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
  process.on('SIGTERM', () => {
    clearInterval(removal);
    published = [];
    server.close();
    void pool.end().then(() => process.exit(0));
  });
}

// ---------------------------------------------------------------------------------------------

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

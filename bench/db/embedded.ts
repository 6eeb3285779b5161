// Embedded PostgreSQL under concurrent requests: the ways ARCHITECTURE §4 allows, with real
// PostgreSQL as the baseline measured in the same run.
//   in-process  one PGlite shared by every PrismaClient through pglite-prisma-adapter
//   socket      PGlite behind @electric-sql/pglite-socket (Unix socket) as openEmbeddedPostgres
//               runs it: every PrismaClient on @prisma/adapter-pg over the ONE shared pg
//               connection (pool max 1): the production code path
//   socket-multiplexed  the same socket server, every PrismaClient with its own pool of
//               [poolSize] connections that pglite-socket multiplexes onto the single backend
//   postgres    the factory against the real server, own pool per client (skipped when unreachable)
// Several clients (one per "service") share the load with 50 requests in flight, as all
// services in one process would. Read-only and mixed (reads, updates, interactive
// transactions) phases; the mixed phase checks afterwards that no increment was lost.
//
// The modes take turns for [rounds] rounds (these machines are noisy); the table shows the round
// with the median throughput, errors summed over all rounds.
// Run: make generate && node --import ./bench/db/register-ts.mjs bench/db/embedded.ts [seconds] [poolSize] [rounds]
// BENCH_MODES=socket,in-process limits the modes.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { openEmbeddedPostgres } from '../../services/runtime/src/db/embedded.js';
import { readMigrations } from '../../services/runtime/src/db/migrations/files.js';
import { runMigrations } from '../../services/runtime/src/db/migrations/runner.js';
import { createPrismaClient } from '../../services/runtime/src/db/prisma.js';
import { PrismaClient } from '../../services/runtime/test/fixtures/generated/prisma/client.js';

const root = path.resolve(import.meta.dirname, '../..');
const migrationsDir = path.join(root, 'services/runtime/test/fixtures/prisma/migrations');
const SECONDS = Number(process.argv[2] ?? 3);
const POOL_SIZE = Number(process.argv[3] ?? 5);
const ROUNDS = Number(process.argv[4] ?? 3);
const CLIENTS = 4;
const IN_FLIGHT = 50;
const ROWS = 100;
const OP_TIMEOUT_MS = 5000;
const PG_URL = process.env.ELWOSA_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

interface Setup {
  clients: PrismaClient[];
  close(): Promise<void>;
}

interface PhaseResult {
  mode: string;
  phase: string;
  ops: number;
  opsPerSec: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  firstError?: string;
  lostUpdates?: number;
}

type Op = 'read' | 'update' | 'tx';

async function execute(client: PrismaClient, op: Op, name: string): Promise<void> {
  if (op === 'read') {
    await client.widget.findUnique({ where: { name } });
  } else if (op === 'update') {
    await client.widget.update({ where: { name }, data: { count: { increment: 1 } } });
  } else {
    await client.$transaction(async (tx) => {
      const row = await tx.widget.findUniqueOrThrow({ where: { name } });
      // An atomic increment: a lost update can only come from broken connection handling.
      await tx.widget.update({ where: { id: row.id }, data: { count: { increment: 1 } } });
    });
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function runPhase(mode: string, phase: string, setup: Setup, pick: () => Op): Promise<PhaseResult> {
  const { clients } = setup;
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let increments = 0;
  const sum = async (): Promise<number> =>
    (await withTimeout(clients[0]!.widget.aggregate({ _sum: { count: true } }), OP_TIMEOUT_MS))._sum.count ??
    0;
  const before = await sum();
  const deadline = performance.now() + SECONDS * 1000;
  let n = 0;
  const worker = async (w: number): Promise<void> => {
    while (performance.now() < deadline) {
      const client = clients[(w + n++) % clients.length]!;
      const op = pick();
      const t0 = performance.now();
      try {
        await withTimeout(execute(client, op, `w${n % ROWS}`), OP_TIMEOUT_MS);
        if (op !== 'read') increments++;
        latencies.push(performance.now() - t0);
      } catch (err) {
        errors++;
        firstError ??= (err as Error).message.split('\n').filter(Boolean).pop();
      }
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: IN_FLIGHT }, (_, w) => worker(w)));
  const elapsed = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const q = (p: number): number =>
    Number((latencies[Math.floor((latencies.length - 1) * p)] ?? 0).toFixed(2));
  const result: PhaseResult = {
    mode,
    phase,
    ops: latencies.length,
    opsPerSec: Math.round(latencies.length / elapsed),
    p50: q(0.5),
    p99: q(0.99),
    max: q(1),
    errors,
  };
  if (firstError) result.firstError = firstError;
  if (phase === 'mixed') {
    const after = await sum().catch(() => Number.NaN);
    result.lostUpdates = increments - (after - before);
  }
  return result;
}

async function inProcess(dir: string): Promise<Setup> {
  const pglite = await PGlite.create({ dataDir: path.join(dir, 'pg'), extensions: { vector } });
  await pglite.exec('CREATE SCHEMA IF NOT EXISTS fixture; SET search_path TO fixture, public');
  for (const m of await readMigrations(migrationsDir)) await pglite.exec(m.sql);
  await pglite.exec('SET search_path TO public');
  const clients = Array.from(
    { length: CLIENTS },
    () => new PrismaClient({ adapter: new PrismaPGlite(pglite) }),
  );
  return {
    clients,
    close: async () => {
      await Promise.all(clients.map((c) => c.$disconnect()));
      await pglite.close();
    },
  };
}

async function viaPg(url: string): Promise<Setup> {
  await runMigrations({ connectionString: url, schema: 'fixture', migrationsDir });
  const handles = Array.from({ length: CLIENTS }, () =>
    createPrismaClient(PrismaClient, { databaseUrl: url, schema: 'fixture', poolSize: POOL_SIZE }),
  );
  return {
    clients: handles.map((h) => h.client),
    close: async () => {
      await Promise.all(handles.map((h) => h.disconnect()));
    },
  };
}

async function socket(dir: string): Promise<Setup> {
  const embedded = await openEmbeddedPostgres({ dataDir: dir });
  const setup = await viaPg(embedded.connectionString);
  return {
    clients: setup.clients,
    close: async () => {
      await setup.close();
      await embedded.close();
    },
  };
}

async function socketMultiplexed(dir: string): Promise<Setup> {
  const pglite = await PGlite.create({ dataDir: path.join(dir, 'pg'), extensions: { vector } });
  const server = new PGLiteSocketServer({
    db: pglite,
    path: path.join(dir, '.s.PGSQL.5432'),
    maxConnections: 100,
  });
  await server.start();
  const setup = await viaPg(`postgresql://postgres@localhost/postgres?host=${dir}`);
  return {
    clients: setup.clients,
    close: async () => {
      await setup.close();
      await server.stop();
      await pglite.close();
    },
  };
}

async function postgres(): Promise<Setup | undefined> {
  const admin = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await admin.connect();
  } catch {
    return undefined;
  }
  const name = `elwosa_bench_${process.pid}`;
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  const setup = await viaPg(url.toString());
  return {
    clients: setup.clients,
    close: async () => {
      await setup.close();
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

const readOnly = (): Op => 'read';
const mixed = (): Op => {
  const r = Math.random();
  return r < 0.7 ? 'read' : r < 0.9 ? 'update' : 'tx';
};

const openers: Record<string, (dir: string) => Promise<Setup | undefined>> = {
  postgres: () => postgres(),
  'in-process': inProcess,
  socket,
  'socket-multiplexed': socketMultiplexed,
};
const all: PhaseResult[] = [];
const modes = (process.env.BENCH_MODES ?? Object.keys(openers).join(',')).split(',');
for (let round = 0; round < ROUNDS; round++)
  for (const mode of modes) {
    const open = openers[mode];
    if (!open) throw new Error(`unknown mode ${mode}`);
    const dir = await mkdtemp(path.join(tmpdir(), 'elwosa-bench-'));
    try {
      const setup = await open(dir);
      if (!setup) {
        console.log(`${mode}: unreachable, skipped`);
        continue;
      }
      try {
        await setup.clients[0]!.widget.createMany({
          data: Array.from({ length: ROWS }, (_, i) => ({ name: `w${i}` })),
        });
        // warm up every client (connections, query plans)
        await Promise.all(setup.clients.map((c) => c.widget.findMany({ take: 1 })));
        for (const [phase, pick] of [
          ['read', readOnly],
          ['mixed', mixed],
        ] as const) {
          const r = await runPhase(mode, phase, setup, pick);
          all.push(r);
          console.log(JSON.stringify({ round, ...r }));
        }
      } finally {
        // A wedged database must not wedge the report.
        await Promise.race([setup.close(), new Promise((r) => setTimeout(r, 5000).unref())]);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

const results: PhaseResult[] = [];
for (const mode of modes) {
  for (const phase of ['read', 'mixed']) {
    const runs = all
      .filter((r) => r.mode === mode && r.phase === phase)
      .sort((a, b) => a.opsPerSec - b.opsPerSec);
    const median = runs[Math.floor((runs.length - 1) / 2)];
    if (!median) continue;
    const errors = runs.reduce((n, r) => n + r.errors, 0);
    const lostUpdates = runs.reduce((n, r) => n + (r.lostUpdates ?? 0), 0);
    results.push({ ...median, errors, ...(phase === 'mixed' ? { lostUpdates } : {}) });
  }
}
const base = (phase: string): number | undefined =>
  results.find((r) => r.mode === 'postgres' && r.phase === phase)?.opsPerSec;
console.log(
  `\n${CLIENTS} clients, ${IN_FLIGHT} in flight, ${SECONDS} s per phase, median of ${ROUNDS} rounds; pg pool of ${POOL_SIZE} per client (postgres, socket-multiplexed), one shared connection (socket)\n`,
);
console.log('| mode | phase | ops/s | vs postgres | p50 ms | p99 ms | max ms | errors | lost updates |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of results) {
  const b = base(r.phase);
  console.log(
    `| ${r.mode} | ${r.phase} | ${r.opsPerSec} | ${b ? (r.opsPerSec / b).toFixed(2) : '-'} | ${r.p50} | ${r.p99} | ${r.max} | ${r.errors} | ${r.lostUpdates ?? '-'} |`,
  );
  if (r.firstError) console.log(`  first error (${r.mode} ${r.phase}): ${r.firstError}`);
}
await mkdir(path.join(root, 'bench/results'), { recursive: true });
await writeFile(
  path.join(root, 'bench/results/db-embedded.json'),
  `${JSON.stringify({ at: new Date().toISOString(), seconds: SECONDS, poolSize: POOL_SIZE, rounds: ROUNDS, results, all }, null, 2)}\n`,
);
process.exit(0);

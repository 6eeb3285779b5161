// When PostgreSQL goes away, queries fail fast with an error isDatabaseUnavailable recognises
// (the HTTP layer's 503), and the same client recovers by itself on the next requests.
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveRealPg, TEST_PG_URL } from '../../../../test-support/backends.js';
import {
  createEmbeddedTestDatabase,
  createTestDatabase,
  type TestDatabase,
} from '../../../../test-support/db.js';
import { checkDatabase } from '../../src/db/check.js';
import { DatabaseUnavailableError, isDatabaseUnavailable } from '../../src/db/errors.js';
import { runMigrations } from '../../src/db/migrations/runner.js';
import { createPrismaClient, type PrismaHandle } from '../../src/db/prisma.js';
import { PrismaClient } from '../fixtures/generated/prisma/client.js';

const fixtureMigrations = path.resolve(import.meta.dirname, '../fixtures/prisma/migrations');

/** Settles a (lazy) Prisma promise into its value or error. */
const settle = <T>(p: PromiseLike<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> =>
  Promise.resolve(p).then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );

/** Kills this database's backends of one pool and waits (up to 5 s) until they are gone. */
async function terminate(admin: pg.Pool, applicationName: string, queryLike = '%'): Promise<number> {
  const r = await admin.query(
    `SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity
      WHERE datname = current_database() AND application_name = $1 AND query LIKE $2 AND pid <> pg_backend_pid()`,
    [applicationName, queryLike],
  );
  return r.rowCount ?? 0;
}

// pg_terminate_backend needs a real server; CI guarantees one (ELWOSA_REQUIRE_REAL_BACKENDS=1).
describe.runIf(haveRealPg())('database faults (real PostgreSQL)', () => {
  let db: TestDatabase;
  let handle: PrismaHandle<PrismaClient>;
  const appName = 'elwosa-fixture';

  beforeAll(async () => {
    db = await createTestDatabase();
    await runMigrations({ connectionString: db.url, schema: 'fixture', migrationsDir: fixtureMigrations });
    handle = createPrismaClient(PrismaClient, {
      databaseUrl: db.url,
      schema: 'fixture',
      poolSize: 4,
      connectionTimeoutMillis: 2000,
    });
    await handle.client.widget.create({ data: { name: 'survivor' } });
  });
  afterAll(async () => {
    await handle?.disconnect();
    await db?.drop();
  });
  /** A client whose pool has a single connection, so one busy query makes the next wait. */
  const oneConnectionClient = (connectionTimeoutMillis: number) =>
    createPrismaClient(PrismaClient, {
      databaseUrl: db.url,
      schema: 'fixture',
      poolSize: 1,
      connectionTimeoutMillis,
    });

  it('recovers after every pool connection was terminated, without a new client', async () => {
    const client = handle.client;
    // open several connections, then kill them all while idle
    await Promise.all(Array.from({ length: 4 }, () => client.widget.findMany()));
    expect(handle.pool.totalCount).toBeGreaterThan(0);
    expect(await terminate(db.pool, appName)).toBeGreaterThan(0);

    const next = await settle(client.widget.count());
    if (!next.ok) expect(isDatabaseUnavailable(next.error)).toBe(true);
    for (let i = 0; i < 5; i++) expect(await client.widget.count()).toBe(1);
    expect(handle.client).toBe(client);
  });

  it('fails a query whose connection is killed mid-flight with a recognised error, then recovers', async () => {
    const running = settle(handle.client.$queryRaw`SELECT pg_sleep(10)::text AS slept`);
    await expect
      .poll(async () => terminate(db.pool, appName, '%pg_sleep(10)%'), { timeout: 5000, interval: 50 })
      .toBeGreaterThan(0);
    const result = await running;
    expect(result.ok).toBe(false);
    if (!result.ok) expect(isDatabaseUnavailable(result.error)).toBe(true);
    expect(await handle.client.widget.findUnique({ where: { name: 'survivor' } })).not.toBeNull();
  });

  it('fails fast with a recognised error when the server is unreachable', async () => {
    const url = new URL(TEST_PG_URL);
    url.port = '1'; // nothing listens there
    const down = createPrismaClient(PrismaClient, {
      databaseUrl: url.toString(),
      schema: 'fixture',
      connectionTimeoutMillis: 1000,
    });
    try {
      const started = performance.now();
      const result = await settle(down.client.widget.count());
      expect(performance.now() - started).toBeLessThan(1500);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(isDatabaseUnavailable(result.error)).toBe(true);
      await expect(checkDatabase(down.pool, 500)).rejects.toBeInstanceOf(DatabaseUnavailableError);
    } finally {
      await down.disconnect();
    }
  });

  it('gives up waiting for a pool connection after connectionTimeoutMillis', async () => {
    const small = oneConnectionClient(300);
    try {
      const busy = settle(small.client.$queryRaw`SELECT pg_sleep(1)::text AS slept`);
      await new Promise((r) => setTimeout(r, 100));
      const started = performance.now();
      const waiting = await settle(small.client.widget.count());
      expect(performance.now() - started).toBeLessThan(900);
      expect(waiting.ok).toBe(false);
      if (!waiting.ok) expect(isDatabaseUnavailable(waiting.error)).toBe(true);
      // readiness fails the same way while the pool is exhausted
      await expect(checkDatabase(small.pool, 200)).rejects.toBeInstanceOf(DatabaseUnavailableError);
      expect((await busy).ok).toBe(true);
      expect(await small.client.widget.count()).toBe(1);
    } finally {
      await small.disconnect();
    }
  });

  it('an interactive transaction that cannot start in time, or outlives its timeout, is recognised and writes nothing', async () => {
    const small = oneConnectionClient(2000);
    try {
      const holding = settle(
        small.client.$transaction(async (tx) => tx.$queryRaw`SELECT pg_sleep(1)::text AS slept`),
      );
      await new Promise((r) => setTimeout(r, 100));
      const late = await settle(
        small.client.$transaction(async (tx) => tx.widget.create({ data: { name: 'never started' } }), {
          maxWait: 200,
        }),
      );
      expect(late.ok).toBe(false);
      if (!late.ok) expect(isDatabaseUnavailable(late.error)).toBe(true);
      expect((await holding).ok).toBe(true);
      const slow = await settle(
        small.client.$transaction(
          async (tx) => {
            await tx.widget.create({ data: { name: 'rolled back' } });
            await tx.$queryRaw`SELECT pg_sleep(0.5)::text AS slept`;
          },
          { timeout: 200 },
        ),
      );
      expect(slow.ok).toBe(false);
      if (!slow.ok) expect(isDatabaseUnavailable(slow.error)).toBe(true);
      expect(
        await small.client.widget.count({ where: { name: { in: ['never started', 'rolled back'] } } }),
      ).toBe(0);
    } finally {
      await small.disconnect();
    }
  });

  it('reports readiness with SELECT 1', async () => {
    await expect(checkDatabase(handle.pool)).resolves.toBeUndefined();
  });
});

describe('database faults (embedded PostgreSQL)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createEmbeddedTestDatabase();
    await runMigrations({ connectionString: db.url, schema: 'fixture', migrationsDir: fixtureMigrations });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('reports readiness, and a recognised error once the database is gone', async () => {
    const handle = createPrismaClient(PrismaClient, { databaseUrl: db.url, schema: 'fixture' });
    await expect(checkDatabase(handle.pool)).resolves.toBeUndefined();
    expect(await handle.client.widget.count()).toBe(0);
    await db.drop();
    const result = await settle(handle.client.widget.count());
    expect(result.ok).toBe(false);
    if (!result.ok) expect(isDatabaseUnavailable(result.error)).toBe(true);
    await expect(checkDatabase(handle.pool)).rejects.toBeInstanceOf(DatabaseUnavailableError);
    await handle.disconnect();
  });
});

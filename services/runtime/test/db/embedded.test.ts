// Embedded PostgreSQL: data survives a restart, pgvector is there, and openDatabase shares one
// instance between the services of a process.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openEmbeddedPostgres } from '../../src/db/embedded.js';
import { isDatabaseUnavailable } from '../../src/db/errors.js';
import { pendingMigrations, runMigrations } from '../../src/db/migrations/runner.js';
import { openDatabase } from '../../src/db/open.js';
import { createPrismaClient } from '../../src/db/prisma.js';
import { PrismaClient } from '../fixtures/generated/prisma/client.js';

const fixtureMigrations = path.resolve(import.meta.dirname, '../fixtures/prisma/migrations');
const dirs: string[] = [];
const tempDir = async (): Promise<string> => {
  const dir = await mkdtemp(path.join(tmpdir(), 'elwosa-embedded-'));
  dirs.push(dir);
  return dir;
};
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('openEmbeddedPostgres', () => {
  it('runs with a buffer pool sized for one user, not the 128 MB PostgreSQL default', async () => {
    const db = await openEmbeddedPostgres({ dataDir: 'memory://' });
    try {
      const { rows } = await db.pool.query<{ shared_buffers: string; work_mem: string }>(
        "SELECT current_setting('shared_buffers') AS shared_buffers, current_setting('work_mem') AS work_mem",
      );
      expect(rows[0]).toEqual({ shared_buffers: '16MB', work_mem: '2MB' });
    } finally {
      await db.close();
    }
  });

  it('keeps the data in <dataDir>/pg across a restart', async () => {
    const dataDir = await tempDir();
    const first = await openEmbeddedPostgres({ dataDir });
    await runMigrations({
      connectionString: first.connectionString,
      schema: 'fixture',
      migrationsDir: fixtureMigrations,
    });
    const a = createPrismaClient(PrismaClient, { databaseUrl: first.connectionString, schema: 'fixture' });
    await a.client.widget.create({ data: { name: 'persisted', tags: ['x'] } });
    await a.disconnect();
    await first.close();

    const second = await openEmbeddedPostgres({ dataDir });
    try {
      expect(second.connectionString).not.toBe(first.connectionString);
      expect(
        await pendingMigrations({
          connectionString: second.connectionString,
          schema: 'fixture',
          migrationsDir: fixtureMigrations,
        }),
      ).toEqual([]);
      const b = createPrismaClient(PrismaClient, { databaseUrl: second.connectionString, schema: 'fixture' });
      expect(await b.client.widget.findUnique({ where: { name: 'persisted' } })).toMatchObject({
        tags: ['x'],
      });
      await b.disconnect();
    } finally {
      await second.close();
    }
  });

  it('creates a new data directory with a throwaway instance (its initdb memory is freed), once', async () => {
    const dataDir = await tempDir();
    const messages: string[] = [];
    const logger = {
      info: (_: object, msg?: string) => void messages.push(msg ?? ''),
      warn() {},
      error() {},
    };
    const first = await openEmbeddedPostgres({ dataDir, logger });
    await first.pool.query('CREATE TABLE kept (n int)');
    await first.close();
    expect(messages.filter((m) => m === 'embedded PostgreSQL initialised')).toHaveLength(1);
    const second = await openEmbeddedPostgres({ dataDir, logger });
    try {
      expect((await second.pool.query('SELECT count(*)::int AS n FROM kept')).rows[0]).toEqual({ n: 0 });
    } finally {
      await second.close();
    }
    expect(messages.filter((m) => m === 'embedded PostgreSQL initialised')).toHaveLength(1);
    expect(messages.filter((m) => m === 'embedded PostgreSQL started')).toHaveLength(2);
  });

  it('refuses a data directory another process or this one has open, and takes over a stale lock', async () => {
    const dataDir = await tempDir();
    const db = await openEmbeddedPostgres({ dataDir });
    try {
      await expect(openEmbeddedPostgres({ dataDir })).rejects.toThrow(/already open in this process/);
    } finally {
      await db.close();
    }
    // a live process (our parent) holds it
    await writeFile(path.join(dataDir, 'pg.lock'), `${process.ppid}\n`);
    await expect(openEmbeddedPostgres({ dataDir })).rejects.toThrow(
      new RegExp(`in use by process ${process.ppid}`),
    );
    // a process that is gone
    await writeFile(path.join(dataDir, 'pg.lock'), '2147483646\n');
    const again = await openEmbeddedPostgres({ dataDir });
    expect((await readFile(path.join(dataDir, 'pg.lock'), 'utf8')).trim()).toBe(String(process.pid));
    await again.close();
    await expect(readFile(path.join(dataDir, 'pg.lock'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('has the vector extension', async () => {
    const db = await openEmbeddedPostgres({ dataDir: 'memory://' });
    try {
      await db.pool.query('CREATE EXTENSION IF NOT EXISTS vector');
      const r = await db.pool.query<{ d: number }>(`SELECT ('[1,0,0]'::vector <=> '[0,1,0]'::vector) AS d`);
      expect(r.rows[0]!.d).toBeCloseTo(1);
    } finally {
      await db.close();
    }
  });

  it('accepts connections only on a private Unix socket, which is gone after close', async () => {
    const db = await openEmbeddedPostgres({ dataDir: 'memory://' });
    const host = new URL(db.connectionString).searchParams.get('host')!;
    expect(host.startsWith('/')).toBe(true);
    await db.close();
    const client = new pg.Client({ connectionString: db.connectionString, connectionTimeoutMillis: 1000 });
    const error = await client.connect().catch((err: unknown) => err);
    expect(isDatabaseUnavailable(error)).toBe(true);
  });
});

describe('openDatabase', () => {
  it('uses DATABASE_URL when there is one', async () => {
    const db = await openDatabase({
      databaseUrl: 'postgres://u@db.example:5432/elwosa',
      dataDir: '/nonexistent',
    });
    expect(db).toMatchObject({ embedded: false, databaseUrl: 'postgres://u@db.example:5432/elwosa' });
    await db.close();
  });

  it('shares one embedded database between the services of a process until the last closes', async () => {
    const dataDir = await tempDir();
    const [auth, tasks] = await Promise.all([openDatabase({ dataDir }), openDatabase({ dataDir })]);
    expect(auth.embedded).toBe(true);
    expect(tasks.databaseUrl).toBe(auth.databaseUrl);
    await runMigrations({
      connectionString: auth.databaseUrl,
      schema: 'fixture',
      migrationsDir: fixtureMigrations,
    });
    const a = createPrismaClient(PrismaClient, { databaseUrl: auth.databaseUrl, schema: 'fixture' });
    const t = createPrismaClient(PrismaClient, { databaseUrl: tasks.databaseUrl, schema: 'fixture' });
    expect(t.pool).toBe(a.pool);
    await a.client.widget.create({ data: { name: 'shared' } });
    await a.disconnect();
    await auth.close();
    expect(await t.client.widget.count()).toBe(1);
    await t.disconnect();
    await tasks.close();

    const again = await openDatabase({ dataDir });
    expect(again.databaseUrl).not.toBe(auth.databaseUrl);
    const c = createPrismaClient(PrismaClient, { databaseUrl: again.databaseUrl, schema: 'fixture' });
    expect(await c.client.widget.count()).toBe(1);
    await c.disconnect();
    await again.close();
  });
});

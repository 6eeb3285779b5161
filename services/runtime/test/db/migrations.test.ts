// The migration runner against a real and an embedded PostgreSQL: a database per file, a
// fresh schema per test.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../../../../test-support/db.js';
import { MigrationError } from '../../src/db/migrations/errors.js';
import { migrationChecksum } from '../../src/db/migrations/files.js';
import { pendingMigrations, runMigrations } from '../../src/db/migrations/runner.js';
import { advisoryLockKey } from '../../src/db/migrations/sql.js';
import { backendKinds, createDatabase } from './backends.js';

const INIT = '20260101000000_init';
const ADD_NOTE = '20260102000000_add_note';
const INIT_SQL = 'CREATE TABLE "things" ("id" SERIAL PRIMARY KEY, "name" TEXT NOT NULL);\n';
// Unqualified on purpose: the runner's search_path must point at the service's schema.
const ADD_NOTE_SQL =
  'ALTER TABLE "things" ADD COLUMN "note" TEXT;\nINSERT INTO "things" ("name") VALUES (\'seed\');\n';

const tempDirs: string[] = [];
let schemaCounter = 0;
const nextSchema = (): string => `mig_${process.pid}_${++schemaCounter}`;

async function migrationsDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'elwosa-migrations-'));
  tempDirs.push(dir);
  for (const [name, sql] of Object.entries(files)) await writeMigration(dir, name, sql);
  return dir;
}

async function writeMigration(dir: string, name: string, sql: string): Promise<void> {
  await mkdir(path.join(dir, name), { recursive: true });
  await writeFile(path.join(dir, name, 'migration.sql'), sql);
}

afterAll(async () => {
  await Promise.all(tempDirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe.each(backendKinds())('runMigrations (%s PostgreSQL)', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createDatabase(kind);
  });
  afterAll(async () => {
    await db?.drop();
  });

  const tables = async (schema: string): Promise<string[]> =>
    (
      await db.pool.query<{ table_name: string }>(
        'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
        [schema],
      )
    ).rows.map((r) => r.table_name);

  const bookkeeping = async (schema: string) =>
    (
      await db.pool.query(
        `SELECT * FROM "${schema}"."_prisma_migrations" ORDER BY started_at, migration_name`,
      )
    ).rows;

  it('applies everything to a fresh database, creating the schema, and a re-run is a no-op', async () => {
    const schema = nextSchema();
    const dir = await migrationsDir({ [INIT]: INIT_SQL, [ADD_NOTE]: ADD_NOTE_SQL });
    const options = { connectionString: db.url, schema, migrationsDir: dir };
    expect(await pendingMigrations(options)).toEqual([INIT, ADD_NOTE]);

    expect(await runMigrations(options)).toEqual({ applied: [INIT, ADD_NOTE], alreadyApplied: 0 });
    expect(await tables(schema)).toEqual(['_prisma_migrations', 'things']);
    const things = await db.pool.query(`SELECT name, note FROM "${schema}"."things"`);
    expect(things.rows).toEqual([{ name: 'seed', note: null }]);
    expect(await pendingMigrations(options)).toEqual([]);

    expect(await runMigrations(options)).toEqual({ applied: [], alreadyApplied: 2 });
    expect(await bookkeeping(schema)).toHaveLength(2);
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM "${schema}"."things"`)).rows[0].n).toBe(1);
  });

  it('applies only the new migrations later', async () => {
    const schema = nextSchema();
    const dir = await migrationsDir({ [INIT]: INIT_SQL });
    const options = { connectionString: db.url, schema, migrationsDir: dir };
    await runMigrations(options);
    await writeMigration(dir, ADD_NOTE, ADD_NOTE_SQL);
    expect(await pendingMigrations(options)).toEqual([ADD_NOTE]);
    expect(await runMigrations(options)).toEqual({ applied: [ADD_NOTE], alreadyApplied: 1 });
  });

  it('keeps the bookkeeping rows in the exact shape of prisma migrate', async () => {
    const schema = nextSchema();
    const dir = await migrationsDir({ [INIT]: INIT_SQL, [ADD_NOTE]: ADD_NOTE_SQL });
    await runMigrations({ connectionString: db.url, schema, migrationsDir: dir });
    const columns = await db.pool.query(
      `SELECT column_name, data_type, character_maximum_length AS len, is_nullable, column_default
         FROM information_schema.columns
        WHERE table_schema = $1 AND table_name = '_prisma_migrations'
        ORDER BY ordinal_position`,
      [schema],
    );
    expect(columns.rows).toEqual([
      { column_name: 'id', data_type: 'character varying', len: 36, is_nullable: 'NO', column_default: null },
      {
        column_name: 'checksum',
        data_type: 'character varying',
        len: 64,
        is_nullable: 'NO',
        column_default: null,
      },
      {
        column_name: 'finished_at',
        data_type: 'timestamp with time zone',
        len: null,
        is_nullable: 'YES',
        column_default: null,
      },
      {
        column_name: 'migration_name',
        data_type: 'character varying',
        len: 255,
        is_nullable: 'NO',
        column_default: null,
      },
      { column_name: 'logs', data_type: 'text', len: null, is_nullable: 'YES', column_default: null },
      {
        column_name: 'rolled_back_at',
        data_type: 'timestamp with time zone',
        len: null,
        is_nullable: 'YES',
        column_default: null,
      },
      {
        column_name: 'started_at',
        data_type: 'timestamp with time zone',
        len: null,
        is_nullable: 'NO',
        column_default: 'now()',
      },
      {
        column_name: 'applied_steps_count',
        data_type: 'integer',
        len: null,
        is_nullable: 'NO',
        column_default: '0',
      },
    ]);
    const pk = await db.pool.query(
      `SELECT a.attname FROM pg_index i
         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
        WHERE i.indrelid = $1::regclass AND i.indisprimary`,
      [`"${schema}"."_prisma_migrations"`],
    );
    expect(pk.rows).toEqual([{ attname: 'id' }]);

    const rows = await bookkeeping(schema);
    expect(rows.map((r) => r.migration_name)).toEqual([INIT, ADD_NOTE]);
    for (const [i, sql] of [INIT_SQL, ADD_NOTE_SQL].entries()) {
      const row = rows[i];
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(row.checksum).toBe(migrationChecksum(sql));
      expect(row.logs).toBeNull();
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.finished_at.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
    }
  });

  it('applies each migration exactly once when two runners start together', async () => {
    const schema = nextSchema();
    const dir = await migrationsDir({
      // slow enough that the second runner arrives while the first holds the lock
      [INIT]: `SELECT pg_sleep(0.3);\n${INIT_SQL}`,
      [ADD_NOTE]: ADD_NOTE_SQL,
    });
    const options = { connectionString: db.url, schema, migrationsDir: dir };
    const results = await Promise.all([runMigrations(options), runMigrations(options)]);
    expect(results.flatMap((r) => r.applied).sort()).toEqual([INIT, ADD_NOTE]);
    expect(results.map((r) => r.applied.length + r.alreadyApplied)).toEqual([2, 2]);
    expect((await bookkeeping(schema)).map((r) => r.migration_name)).toEqual([INIT, ADD_NOTE]);
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM "${schema}"."things"`)).rows[0].n).toBe(1);
  });

  it('refuses to run when an applied migration was edited, naming it', async () => {
    const schema = nextSchema();
    const dir = await migrationsDir({ [INIT]: INIT_SQL, [ADD_NOTE]: ADD_NOTE_SQL });
    const options = { connectionString: db.url, schema, migrationsDir: dir };
    await runMigrations(options);
    await writeMigration(dir, INIT, INIT_SQL.replace('TEXT NOT NULL', 'VARCHAR(10) NOT NULL'));
    await writeMigration(dir, '20260103000000_later', 'CREATE TABLE "later" ("id" INT);');

    const error = await runMigrations(options).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(MigrationError);
    expect(error).toMatchObject({ code: 'CHECKSUM_MISMATCH', migration: INIT });
    expect((error as Error).message).toMatch(
      new RegExp(`migration ${INIT} was modified after it was applied`),
    );
    await expect(pendingMigrations(options)).rejects.toMatchObject({ code: 'CHECKSUM_MISMATCH' });
    // nothing after the refusal ran
    expect(await tables(schema)).toEqual(['_prisma_migrations', 'things']);
  });

  it('rolls a failing migration back completely and reports it; fixed, it applies', async () => {
    const schema = nextSchema();
    const broken = 'CREATE TABLE "half" ("id" INT);\nINSERT INTO "things" ("no_such_column") VALUES (1);\n';
    const dir = await migrationsDir({
      [INIT]: INIT_SQL,
      [ADD_NOTE]: broken,
      '20260103000000_after': 'CREATE TABLE "after" ("id" INT);',
    });
    const options = { connectionString: db.url, schema, migrationsDir: dir };

    const error = await runMigrations(options).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(MigrationError);
    expect(error).toMatchObject({ code: 'FAILED', migration: ADD_NOTE });
    expect((error as Error).message).toContain(`migration ${ADD_NOTE} failed and was rolled back`);
    expect((error as Error).message).toContain('no_such_column');
    // the first migration stays, nothing of the failed one (no "half" table, no row), nothing after it
    expect(await tables(schema)).toEqual(['_prisma_migrations', 'things']);
    expect((await bookkeeping(schema)).map((r) => r.migration_name)).toEqual([INIT]);
    expect(await pendingMigrations(options)).toEqual([ADD_NOTE, '20260103000000_after']);

    await writeMigration(dir, ADD_NOTE, ADD_NOTE_SQL);
    expect(await runMigrations(options)).toEqual({
      applied: [ADD_NOTE, '20260103000000_after'],
      alreadyApplied: 1,
    });
  });

  it('refuses to continue after a migration prisma migrate left failed', async () => {
    const schema = nextSchema();
    const dir = await migrationsDir({ [INIT]: INIT_SQL });
    const options = { connectionString: db.url, schema, migrationsDir: dir };
    await runMigrations(options);
    await db.pool.query(`UPDATE "${schema}"."_prisma_migrations" SET finished_at = NULL`);
    await expect(runMigrations(options)).rejects.toMatchObject({
      code: 'PREVIOUSLY_FAILED',
      migration: INIT,
    });
  });

  if (kind === 'real') {
    it('waits for a busy pool longer than the pool itself would', async () => {
      const pool = new pg.Pool({ connectionString: db.url, max: 1, connectionTimeoutMillis: 100 });
      try {
        const dir = await migrationsDir({ [INIT]: INIT_SQL });
        const busy = pool.query('SELECT pg_sleep(0.5)');
        const result = await runMigrations({ client: pool, schema: nextSchema(), migrationsDir: dir });
        expect(result.applied).toEqual([INIT]);
        await busy;
      } finally {
        await pool.end();
      }
    });
  }

  it('releases the advisory lock, so the next runner is not blocked', async () => {
    const schema = nextSchema();
    const dir = await migrationsDir({ [INIT]: INIT_SQL });
    // a pool: the session (and a leaked session lock) outlives the run
    const options = { client: db.pool, schema, migrationsDir: dir };
    await runMigrations(options);
    await writeMigration(dir, ADD_NOTE, 'SELECT 1/0;');
    await expect(runMigrations(options)).rejects.toMatchObject({ code: 'FAILED' });
    // pg_locks is cluster-wide and other test files take advisory locks concurrently: count only
    // this runner's key in this database.
    const locks = await db.pool.query(
      `SELECT count(*)::int AS n FROM pg_locks
        WHERE locktype = 'advisory' AND objsubid = 1
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND ((classid::bigint << 32) | objid::bigint) = $1::bigint`,
      [advisoryLockKey(schema)],
    );
    expect(locks.rows[0].n).toBe(0);
  });
});

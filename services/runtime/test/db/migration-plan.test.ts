import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MigrationError } from '../../src/db/migrations/errors.js';
import {
  isMigrationDirName,
  type MigrationFile,
  migrationChecksum,
  readMigrations,
  sortMigrations,
} from '../../src/db/migrations/files.js';
import { type AppliedMigrationRow, planMigrations } from '../../src/db/migrations/plan.js';
import {
  advisoryLockKey,
  assertSchemaName,
  createMigrationsTableSql,
  quoteIdent,
} from '../../src/db/migrations/sql.js';

const file = (name: string, sql = `-- ${name}`): MigrationFile => ({
  name,
  sql,
  checksum: migrationChecksum(sql),
});
const row = (f: MigrationFile, over: Partial<AppliedMigrationRow> = {}): AppliedMigrationRow => ({
  migration_name: f.name,
  checksum: f.checksum,
  finished_at: new Date(),
  rolled_back_at: null,
  ...over,
});

describe('migration files', () => {
  it('accepts Prisma folder names only', () => {
    expect(isMigrationDirName('20260101000000_init')).toBe(true);
    expect(isMigrationDirName('20260101000000_add-tags_2')).toBe(true);
    expect(isMigrationDirName('migration_lock.toml')).toBe(false);
    expect(isMigrationDirName('init')).toBe(false);
    expect(isMigrationDirName('2026_init')).toBe(false);
    expect(isMigrationDirName('20260101000000_')).toBe(false);
  });

  it('computes the sha256 hex checksum Prisma stores', () => {
    expect(migrationChecksum('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(migrationChecksum(Buffer.from('abc'))).toBe(migrationChecksum('abc'));
  });

  it('orders by folder name', () => {
    const names = sortMigrations([
      file('20260103000000_c'),
      file('20260101000000_a'),
      file('20260102000000_b'),
    ]).map((f) => f.name);
    expect(names).toEqual(['20260101000000_a', '20260102000000_b', '20260103000000_c']);
  });

  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('reads migration.sql of each folder, ordered, ignoring other entries', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'elwosa-migrations-'));
    dirs.push(dir);
    for (const [name, sql] of [
      ['20260102000000_second', 'SELECT 2;\r\n'],
      ['20260101000000_first', 'SELECT 1;\n'],
    ]) {
      await mkdir(path.join(dir, name!));
      await writeFile(path.join(dir, name!, 'migration.sql'), sql!);
    }
    await mkdir(path.join(dir, 'notes'));
    await writeFile(path.join(dir, 'migration_lock.toml'), 'provider = "postgresql"\n');
    const files = await readMigrations(dir);
    expect(files.map((f) => f.name)).toEqual(['20260101000000_first', '20260102000000_second']);
    expect(files[1]).toEqual({
      name: '20260102000000_second',
      sql: 'SELECT 2;\r\n',
      checksum: migrationChecksum('SELECT 2;\r\n'),
    });
  });

  it('treats a missing folder as no migrations', async () => {
    expect(await readMigrations(path.join(tmpdir(), 'elwosa-does-not-exist', 'migrations'))).toEqual([]);
  });
});

describe('planMigrations', () => {
  const a = file('20260101000000_a');
  const b = file('20260102000000_b');
  const c = file('20260103000000_c');

  it('lists everything as pending on a fresh database, in order', () => {
    const plan = planMigrations([c, a, b], []);
    expect(plan.pending.map((f) => f.name)).toEqual([a.name, b.name, c.name]);
    expect(plan.applied).toEqual([]);
  });

  it('skips applied migrations and keeps the order of the rest', () => {
    const plan = planMigrations([a, b, c], [row(a), row(c)]);
    expect(plan.pending.map((f) => f.name)).toEqual([b.name]);
    expect(plan.applied).toEqual([a.name, c.name]);
    expect(plan.unknown).toEqual([]);
  });

  it('refuses an applied migration whose file changed, naming it', () => {
    const edited = file(b.name, 'ALTER TABLE x ADD COLUMN y int;');
    let error: unknown;
    try {
      planMigrations([a, edited], [row(a), row(b)]);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(MigrationError);
    expect(error).toMatchObject({ code: 'CHECKSUM_MISMATCH', migration: b.name });
    expect((error as Error).message).toContain(b.name);
  });

  it('refuses to continue after a migration that failed and was never resolved', () => {
    expect(() => planMigrations([a, b], [row(a), row(b, { finished_at: null })])).toThrow(
      expect.objectContaining({ code: 'PREVIOUSLY_FAILED', migration: b.name }),
    );
  });

  it('ignores rolled-back rows (prisma migrate resolve --rolled-back)', () => {
    const plan = planMigrations([a, b], [row(a), row(b, { finished_at: null, rolled_back_at: new Date() })]);
    expect(plan.pending.map((f) => f.name)).toEqual([b.name]);
  });

  it('reports applied migrations that are not on disk', () => {
    const plan = planMigrations([a], [row(a), row(c)]);
    expect(plan.unknown).toEqual([c.name]);
    expect(plan.pending).toEqual([]);
  });
});

describe('runner SQL', () => {
  it('derives a stable signed 64-bit lock key per schema', () => {
    const key = advisoryLockKey('auth');
    expect(key).toBe(advisoryLockKey('auth'));
    expect(key).not.toBe(advisoryLockKey('tasks'));
    const n = BigInt(key);
    expect(n >= -(2n ** 63n) && n < 2n ** 63n).toBe(true);
  });

  it('only accepts plain schema names', () => {
    expect(assertSchemaName('ai_bridge')).toBe('ai_bridge');
    for (const bad of ['Auth', 'a"; DROP SCHEMA public; --', '', '1abc', 'a-b', 'x'.repeat(64)]) {
      expect(() => assertSchemaName(bad)).toThrow(/invalid schema name/);
    }
  });

  it("creates Prisma's bookkeeping table in the service's schema", () => {
    const sql = createMigrationsTableSql('auth');
    expect(sql).toContain('"auth"."_prisma_migrations"');
    expect(sql).toMatch(/"id"\s+VARCHAR\(36\) PRIMARY KEY NOT NULL/);
    expect(sql).toMatch(/"checksum"\s+VARCHAR\(64\) NOT NULL/);
    expect(sql).toMatch(/"applied_steps_count"\s+INTEGER NOT NULL DEFAULT 0/);
    expect(quoteIdent('a"b')).toBe('"a""b"');
  });
});

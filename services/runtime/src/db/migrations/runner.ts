// Applies a service's SQL migrations to its schema: one runner at a time per schema (session
// advisory lock on one dedicated connection), one transaction per migration, Prisma's
// `_prisma_migrations` bookkeeping.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { dedicatedConnection, type PgConnectionSource } from '../connection.js';
import { type DbLogger, silentLogger } from '../logger.js';
import { MigrationError } from './errors.js';
import { type MigrationFile, readMigrations } from './files.js';
import { type AppliedMigrationRow, planMigrations } from './plan.js';
import {
  advisoryLockKey,
  assertSchemaName,
  createMigrationsTableSql,
  insertMigrationSql,
  quoteIdent,
  searchPathValue,
  selectMigrationsSql,
} from './sql.js';

export type MigrationOptions = PgConnectionSource & {
  /** The service's PostgreSQL schema, e.g. `auth`. */
  readonly schema: string;
  /** `services/<svc>/prisma/migrations`. */
  readonly migrationsDir: string;
  readonly logger?: DbLogger;
};

export interface MigrationResult {
  /** Migrations this call applied, in order. */
  readonly applied: string[];
  /** Migrations on disk that were applied before this call. */
  readonly alreadyApplied: number;
}

export async function runMigrations(options: MigrationOptions): Promise<MigrationResult> {
  const schema = assertSchemaName(options.schema);
  const logger = options.logger ?? silentLogger;
  const files = await readMigrations(options.migrationsDir);
  const lockKey = advisoryLockKey(schema);
  const conn = await dedicatedConnection(options);
  try {
    await conn.client.query('SELECT pg_advisory_lock($1::bigint)', [lockKey]);
    try {
      await conn.client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
      await conn.client.query(createMigrationsTableSql(schema));
      const rows = await conn.client.query<AppliedMigrationRow>(selectMigrationsSql(schema));
      const plan = planMigrations(files, rows.rows);
      if (plan.unknown.length > 0) {
        logger.warn({ schema, migrations: plan.unknown }, 'applied migrations missing on disk');
      }
      const applied: string[] = [];
      let appliedMeanwhile = 0;
      for (const migration of plan.pending) {
        const started = performance.now();
        if (await applyMigration(conn.client, schema, migration)) {
          applied.push(migration.name);
          logger.info(
            { schema, migration: migration.name, ms: Math.round(performance.now() - started) },
            'migration applied',
          );
        } else {
          appliedMeanwhile++;
        }
      }
      return { applied, alreadyApplied: plan.applied.length + appliedMeanwhile };
    } finally {
      await conn.client.query('SELECT pg_advisory_unlock($1::bigint)', [lockKey]).catch(() => {});
    }
  } finally {
    await conn.release();
  }
}

/**
 * Applies one migration in its own transaction. Checks again inside the transaction that no
 * one applied it meanwhile (on embedded PostgreSQL every socket shares one backend session, so
 * the advisory lock cannot exclude a second runner there; its transactions are serialised).
 * Returns false when it was already applied.
 */
async function applyMigration(
  client: pg.ClientBase,
  schema: string,
  migration: MigrationFile,
): Promise<boolean> {
  await client.query('BEGIN');
  try {
    await client.query("SELECT set_config('search_path', $1, true)", [searchPathValue(schema)]);
    const existing = await client.query<{ checksum: string }>(
      `SELECT checksum FROM ${quoteIdent(schema)}."_prisma_migrations" WHERE migration_name = $1 AND rolled_back_at IS NULL`,
      [migration.name],
    );
    if (existing.rows.length > 0) {
      await client.query('ROLLBACK');
      return false;
    }
    if (migration.sql.trim() !== '') await client.query(migration.sql);
    await client.query(insertMigrationSql(schema), [randomUUID(), migration.checksum, migration.name]);
    await client.query('COMMIT');
    return true;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw new MigrationError(
      'FAILED',
      migration.name,
      `migration ${migration.name} failed and was rolled back: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

/**
 * Migrations on disk not applied yet (readiness: "migrations applied" when empty). Read-only, no
 * lock, no waiting beyond the pool's own `connectionTimeoutMillis`. For readiness pass the
 * service's pool (`client: handle.pool`) rather than a connection string.
 */
export async function pendingMigrations(options: MigrationOptions): Promise<string[]> {
  const schema = assertSchemaName(options.schema);
  const files = await readMigrations(options.migrationsDir);
  const conn = await dedicatedConnection(options, 0);
  try {
    const table = await conn.client.query<{ present: boolean }>(
      'SELECT to_regclass($1) IS NOT NULL AS present',
      [`${quoteIdent(schema)}."_prisma_migrations"`],
    );
    if (!table.rows[0]?.present) return files.map((f) => f.name);
    const rows = await conn.client.query<AppliedMigrationRow>(selectMigrationsSql(schema));
    return planMigrations(files, rows.rows).pending.map((f) => f.name);
  } finally {
    await conn.release();
  }
}

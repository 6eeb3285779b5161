// SQL text of the runner and the advisory-lock key: pure.
import { createHash } from 'node:crypto';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Schema names are identifiers we put into SQL: allow only plain lower-case ones. */
export function assertSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error(`invalid schema name ${JSON.stringify(schema)}: use lower-case letters, digits and _`);
  }
  return schema;
}

export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/**
 * The key of the session-level advisory lock that serialises runners of one schema: the first
 * 8 bytes of sha256("elwosa:migrate:<schema>") as a signed 64-bit integer, as a decimal string
 * (pg_advisory_lock(bigint)).
 */
export function advisoryLockKey(schema: string): string {
  return createHash('sha256').update(`elwosa:migrate:${schema}`).digest().readBigInt64BE(0).toString();
}

/** Prisma's bookkeeping table, column for column, so `prisma migrate deploy` reads it. */
export function createMigrationsTableSql(schema: string): string {
  return `CREATE TABLE IF NOT EXISTS ${quoteIdent(schema)}."_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;
}

export const selectMigrationsSql = (schema: string): string =>
  `SELECT migration_name, checksum, finished_at, rolled_back_at FROM ${quoteIdent(schema)}."_prisma_migrations" ORDER BY started_at, migration_name`;

export const insertMigrationSql = (schema: string): string =>
  `INSERT INTO ${quoteIdent(schema)}."_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count) VALUES ($1, $2, $3, now(), clock_timestamp(), 1)`;

/** search_path for a migration, local to its transaction: the service's schema, then public (extensions). */
export const searchPathValue = (schema: string): string => `${quoteIdent(schema)}, public`;

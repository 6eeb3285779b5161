// Persistence: SQL migrations, the Prisma client factory, embedded PostgreSQL, fault handling.
export { checkDatabase, DEFAULT_CHECK_TIMEOUT_MILLIS } from './check.js';
export type { PgConnectionSource } from './connection.js';
export { type EmbeddedPostgres, type EmbeddedPostgresOptions, openEmbeddedPostgres } from './embedded.js';
export { DatabaseUnavailableError, isDatabaseUnavailable, isTransientConflict } from './errors.js';
export type { DbLogger } from './logger.js';
export { MigrationError, type MigrationErrorCode } from './migrations/errors.js';
export { type MigrationFile, migrationChecksum, readMigrations } from './migrations/files.js';
export {
  type MigrationOptions,
  type MigrationResult,
  pendingMigrations,
  runMigrations,
} from './migrations/runner.js';
export { type Database, type DatabaseConfig, openDatabase } from './open.js';
export {
  createPrismaClient,
  DEFAULT_CONNECTION_TIMEOUT_MILLIS,
  DEFAULT_POOL_SIZE,
  type PrismaClientClass,
  type PrismaClientLike,
  type PrismaClientSettings,
  type PrismaHandle,
} from './prisma.js';

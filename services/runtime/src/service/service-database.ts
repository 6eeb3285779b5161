// A service's database: its Prisma client on its own schema, migrations applied at start when
// configured, readiness (reachable and no pending migration), 503 for an unreachable database
// and for a transaction rolled back by a deadlock or serialization failure, and the pool
// closed in the lifecycle's close phase.
import { checkDatabase } from '../db/check.js';
import { isDatabaseUnavailable, isTransientConflict } from '../db/errors.js';
import { pendingMigrations, runMigrations } from '../db/migrations/runner.js';
import {
  createPrismaClient,
  type PrismaClientClass,
  type PrismaClientLike,
  type PrismaHandle,
} from '../db/prisma.js';
import type { ErrorMapper } from '../http/problem.js';
import { problems } from '../http/problem.js';
import type { Readiness } from '../lifecycle/readiness.js';
import type { Logger } from '../observability/logger.js';
import type { PlatformDeps } from './platform-deps.js';

export const mapDatabaseUnavailable: ErrorMapper = (err) =>
  isDatabaseUnavailable(err) ? problems.unavailable('database unavailable') : undefined;

/** A transaction that lost to a concurrent one changed nothing: the client retries. */
export const mapTransientConflict: ErrorMapper = (err) =>
  isTransientConflict(err)
    ? problems.unavailable('the request conflicted with a concurrent one and changed nothing; retry')
    : undefined;

export interface ServiceDatabaseOptions<T extends PrismaClientLike> {
  deps: PlatformDeps;
  schema: string;
  migrationsDir: string;
  Client: PrismaClientClass<T>;
  logger: Logger;
}

export async function openServiceDatabase<T extends PrismaClientLike>(
  options: ServiceDatabaseOptions<T>,
  readiness: Readiness,
): Promise<PrismaHandle<T>> {
  const { deps, schema, migrationsDir, logger } = options;
  if (deps.migrateOnStart) {
    const result = await runMigrations({ connectionString: deps.databaseUrl, schema, migrationsDir, logger });
    if (result.applied.length > 0) logger.info({ schema, applied: result.applied }, 'migrations applied');
  }
  const handle = createPrismaClient(options.Client, {
    databaseUrl: deps.databaseUrl,
    schema,
    poolSize: deps.config.db.poolSize,
    connectionTimeoutMillis: deps.config.db.connectionTimeoutMillis,
    logger,
  });
  let migrationsCurrent = false;
  readiness.add('database', () => checkDatabase(handle.pool));
  readiness.add('migrations', async () => {
    if (migrationsCurrent) return;
    const pending = await pendingMigrations({ client: handle.pool, schema, migrationsDir });
    if (pending.length > 0) throw new Error(`pending migrations: ${pending.join(', ')}`);
    migrationsCurrent = true;
  });
  deps.lifecycle.on('close', () => handle.disconnect());
  return handle;
}

// The start of every service that owns a schema: its host, then its database on that host's
// logger and readiness, with an unreachable database and a transaction that lost to a
// concurrent one (deadlock, serialization failure) answered as 503 before the service's own
// error mappers run.
import type { PrismaClientClass, PrismaClientLike, PrismaHandle } from '../db/prisma.js';
import { mapDatabaseUnavailable, mapTransientConflict, openServiceDatabase } from './service-database.js';
import { createServiceHost, type ServiceHost, type ServiceHostOptions } from './service-host.js';

export interface ServiceSchema<T extends PrismaClientLike> {
  schema: string;
  migrationsDir: string;
  Client: PrismaClientClass<T>;
}

export interface DatabaseServiceOptions<T extends PrismaClientLike> extends ServiceHostOptions {
  database: ServiceSchema<T>;
}

export async function createDatabaseService<T extends PrismaClientLike>(
  options: DatabaseServiceOptions<T>,
): Promise<{ host: ServiceHost; db: PrismaHandle<T> }> {
  const { database, ...hostOptions } = options;
  const host = createServiceHost({
    ...hostOptions,
    errorMappers: [mapDatabaseUnavailable, mapTransientConflict, ...(hostOptions.errorMappers ?? [])],
  });
  const db = await openServiceDatabase(
    { deps: options.deps, ...database, logger: host.logger },
    host.readiness,
  );
  return { host, db };
}

// A service's Prisma client on a freshly migrated database of its own — the real PostgreSQL
// when reachable, embedded PGlite always — for schema round-trip and store tests.

import { afterAll, beforeAll } from 'vitest';
import {
  createPrismaClient,
  type PrismaClientLike,
  type PrismaHandle,
  runMigrations,
  type ServiceSchema,
} from '../services/runtime/src/index.js';
import { haveRealPg } from './backends.ts';
import { createEmbeddedTestDatabase, createTestDatabase } from './db.ts';

export type DatabaseKind = 'real' | 'embedded';

export const databaseKinds = (): DatabaseKind[] => (haveRealPg() ? ['real', 'embedded'] : ['embedded']);

export interface MigratedClient<T extends PrismaClientLike> {
  client: T;
  /** The pool under the client, for raw `pg` queries. */
  pool: PrismaHandle<T>['pool'];
  close(): Promise<void>;
}

export async function openMigratedClient<T extends PrismaClientLike>(
  kind: DatabaseKind,
  service: ServiceSchema<T>,
  poolSize = 2,
): Promise<MigratedClient<T>> {
  const database = kind === 'real' ? await createTestDatabase() : await createEmbeddedTestDatabase();
  try {
    await runMigrations({
      connectionString: database.url,
      schema: service.schema,
      migrationsDir: service.migrationsDir,
    });
    const handle = createPrismaClient(service.Client, {
      databaseUrl: database.url,
      schema: service.schema,
      poolSize,
    });
    return {
      client: handle.client,
      pool: handle.pool,
      close: async () => {
        await handle.disconnect();
        await database.drop();
      },
    };
  } catch (err) {
    await database.drop();
    throw err;
  }
}

/**
 * Inside a describe: opens the migrated client before its tests (handing it and its pool to `use`) and
 * closes it and drops the database after them.
 */
export function useMigratedClient<T extends PrismaClientLike>(
  kind: DatabaseKind,
  service: ServiceSchema<T>,
  use: (client: T, pool: MigratedClient<T>['pool']) => void,
): void {
  let opened: MigratedClient<T> | undefined;
  beforeAll(async () => {
    opened = await openMigratedClient(kind, service);
    use(opened.client, opened.pool);
  });
  afterAll(async () => {
    await opened?.close();
  });
}

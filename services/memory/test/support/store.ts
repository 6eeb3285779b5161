// A migrated memory database (real PostgreSQL or embedded PGlite) with a memory context on it,
// for tests below the HTTP layer.
import { createCacheBus, createLogger, createPrismaClient, runMigrations } from '@elwosa/runtime';
import { createEmbeddedTestDatabase, createTestDatabase } from '../../../../test-support/db.ts';
import type { BackendKind } from '../../../../test-support/platform.ts';
import type { MemoryContext } from '../../src/domain/context.js';
import type { Embedder } from '../../src/embedding/embedder.js';
import { PrismaClient } from '../../src/generated/prisma/client.js';
import { memoryMigrationsDir } from '../../src/service.js';
import { MEMORY_SCHEMA, type MemoryStore } from '../../src/store/db.js';
import { InProcessVectors } from '../../src/store/in-process.js';
import { detectPgvector, PgvectorIndex } from '../../src/store/pgvector.js';
import { VectorSearch } from '../../src/store/vector-search.js';

export const silentLogger = createLogger({ level: 'silent' });

export interface TestStore {
  store: MemoryStore;
  /** The vector extension's schema when pgvector is usable on this database. */
  pgvectorSchema: string | undefined;
  close(): Promise<void>;
}

export async function openTestStore(kind: BackendKind): Promise<TestStore> {
  const database = kind === 'real' ? await createTestDatabase() : await createEmbeddedTestDatabase();
  await runMigrations({
    connectionString: database.url,
    schema: MEMORY_SCHEMA,
    migrationsDir: memoryMigrationsDir,
  });
  const handle = createPrismaClient(PrismaClient, {
    databaseUrl: database.url,
    schema: MEMORY_SCHEMA,
    poolSize: 3,
  });
  const store = { db: handle.client, pool: handle.pool };
  return {
    store,
    pgvectorSchema: await detectPgvector(handle.pool, silentLogger),
    close: async () => {
      await handle.disconnect();
      await database.drop();
    },
  };
}

/** A context on `store`: pgvector when `pgvectorSchema` is given, otherwise in process. */
export async function testContext(
  store: MemoryStore,
  embedder: Embedder,
  pgvectorSchema?: string,
): Promise<MemoryContext> {
  const vectors = new VectorSearch(
    new InProcessVectors(store.pool, 64 * 1024 * 1024),
    pgvectorSchema ? new PgvectorIndex(store.pool, pgvectorSchema) : undefined,
  );
  return {
    store,
    embedder,
    vectors,
    cache: await createCacheBus({ logger: silentLogger }),
    logger: silentLogger,
  };
}

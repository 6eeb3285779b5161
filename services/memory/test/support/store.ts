// A migrated memory database (real PostgreSQL or embedded PGlite) with a memory context on it,
// for tests below the HTTP layer.
import { createCacheBus, createLogger } from '@elwosa/runtime';
import { openMigratedClient } from '../../../../test-support/migrated-client.ts';
import type { BackendKind } from '../../../../test-support/platform.ts';
import type { MemoryContext } from '../../src/domain/context.js';
import type { Embedder } from '../../src/embedding/embedder.js';
import { memoryDatabase } from '../../src/service.js';
import type { MemoryStore } from '../../src/store/db.js';
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
  const opened = await openMigratedClient(kind, memoryDatabase, 3);
  const store = { db: opened.client, pool: opened.pool };
  return { store, pgvectorSchema: await detectPgvector(opened.pool, silentLogger), close: opened.close };
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

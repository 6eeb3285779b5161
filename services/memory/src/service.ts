// Starts the memory service (target `memory`).
import { fileURLToPath } from 'node:url';
import {
  ConfigError,
  createDatabaseService,
  type ErrorMapper,
  type PlatformDeps,
  parseConfig,
  problems,
  type RunningService,
  type ServiceSchema,
} from '@elwosa/runtime';
import { memoryEnvSchema } from './config.js';
import type { MemoryContext } from './domain/context.js';
import { startReembedScheduler } from './domain/reembed-scheduler.js';
import { EmbeddingError } from './embedding/embedder.js';
import { createEmbedder } from './embedding/factory.js';
import { type EmbedderChoice, EmbedderConfigError, selectEmbedder } from './embedding/select.js';
import { PrismaClient } from './generated/prisma/client.js';
import { bindMemoryRoutes } from './http/routes.js';
import { MEMORY_SCHEMA } from './store/db.js';
import { InProcessVectors } from './store/in-process.js';
import { detectPgvector, PgvectorIndex } from './store/pgvector.js';
import { VectorSearch } from './store/vector-search.js';

export { MEMORY_SCHEMA };
export const memoryMigrationsDir = fileURLToPath(new URL('../prisma/migrations', import.meta.url));
/** The service's schema, migrations and Prisma client: what the host and the tests migrate and open. */
export const memoryDatabase: ServiceSchema<PrismaClient> = {
  schema: MEMORY_SCHEMA,
  migrationsDir: memoryMigrationsDir,
  Client: PrismaClient,
};

const mapEmbeddingUnavailable: ErrorMapper = (err) =>
  err instanceof EmbeddingError ? problems.unavailable('the embedding model is unavailable', 5) : undefined;

function chooseEmbedder(env: Parameters<typeof selectEmbedder>[0]): EmbedderChoice {
  try {
    return selectEmbedder(env);
  } catch (err) {
    if (err instanceof EmbedderConfigError) throw new ConfigError('ELWOSA_EMBEDDING_MODEL', err.message);
    throw err;
  }
}

export async function startMemory(deps: PlatformDeps): Promise<RunningService> {
  const env = parseConfig(memoryEnvSchema, deps.env);
  const embedder = createEmbedder(chooseEmbedder(env), env.ELWOSA_EMBEDDING_TIMEOUT_MS);
  const { host, db } = await createDatabaseService({
    target: 'memory',
    deps,
    errorMappers: [mapEmbeddingUnavailable],
    database: memoryDatabase,
  });
  const extensionSchema =
    env.ELWOSA_MEMORY_VECTOR_BACKEND === 'in-process'
      ? undefined
      : await detectPgvector(db.pool, host.logger);
  if (env.ELWOSA_MEMORY_VECTOR_BACKEND === 'pgvector' && !extensionSchema) {
    throw new ConfigError(
      'ELWOSA_MEMORY_VECTOR_BACKEND',
      'pgvector, but the database has no usable vector extension',
    );
  }
  const pgvector = extensionSchema ? new PgvectorIndex(db.pool, extensionSchema) : undefined;
  const vectors = new VectorSearch(
    new InProcessVectors(db.pool, env.ELWOSA_MEMORY_VECTOR_CACHE_MB * 1024 * 1024),
    pgvector,
  );
  const ctx: MemoryContext = {
    store: { db: db.client, pool: db.pool },
    embedder,
    vectors,
    cache: deps.cache,
    logger: host.logger,
  };
  const dim = embedder.dimensions;
  if (dim !== undefined) await vectors.prepare({ model: embedder.model, dim });
  host.logger.info(
    { model: embedder.model, dimensions: dim, vectorBackend: vectors.backendFor({ dim }) },
    'memory embeddings',
  );
  bindMemoryRoutes(host.router, host.binder, ctx);

  const scheduler = startReembedScheduler(ctx, {
    batchSize: env.ELWOSA_MEMORY_REEMBED_BATCH,
    intervalMs: env.ELWOSA_MEMORY_REEMBED_INTERVAL_MS,
    onIdle: async () => {
      const current = embedder.dimensions;
      if (!pgvector || current === undefined) return;
      const dropped = await pgvector.dropIndexesExcept({ model: embedder.model, dim: current });
      if (dropped.length > 0) host.logger.info({ dropped }, 'HNSW indexes of previous models dropped');
    },
  });
  deps.lifecycle.on('stop', () => scheduler.stop());
  deps.lifecycle.on('close', async () => {
    await embedder.close?.();
  });
  return host.start();
}

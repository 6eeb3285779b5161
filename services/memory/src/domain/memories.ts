// The memory use cases: remember, change, forget, list, recall (semantic search).
import { problems } from '@elwosa/runtime';
import type {
  CreateMemoryInput,
  ListMemoriesFilter,
  MemoryDto,
  SearchInput,
  SearchResultDto,
  StatusDto,
  UpdateMemoryInput,
} from '../api.js';
import { EmbeddingError, embedOne } from '../embedding/embedder.js';
import { type StoredVector, toMemoryDto } from '../store/db.js';
import * as rows from '../store/memories.js';
import type { MemoryContext } from './context.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { announce } from './events.js';

/**
 * The content's vector of the current model, or undefined when the provider fails: the memory
 * is stored anyway and the re-embedding job embeds it later.
 */
async function tryEmbed(ctx: MemoryContext, content: string): Promise<StoredVector | undefined> {
  try {
    const vector = await embedOne(ctx.embedder, content);
    const space = { model: ctx.embedder.model, dim: vector.length };
    await ctx.vectors.prepare(space);
    return { ...space, vector };
  } catch (err) {
    if (!(err instanceof EmbeddingError)) throw err;
    ctx.logger.warn(
      { err, model: ctx.embedder.model },
      'embedding failed; the memory waits for the re-embedding job',
    );
    return undefined;
  }
}

const missing = () => problems.notFound('no such memory');

export async function createMemory(
  ctx: MemoryContext,
  userId: string,
  input: CreateMemoryInput,
): Promise<MemoryDto> {
  const vector = await tryEmbed(ctx, input.content);
  const { row, generation } = await rows.insertMemory(ctx.store.db, userId, input, vector);
  if (generation !== undefined && vector) {
    ctx.vectors.applied(userId, generation, {
      op: 'upsert',
      id: row.id,
      kind: row.kind,
      space: vector,
      vector: vector.vector,
    });
  }
  const dto = toMemoryDto(row);
  await announce(ctx, userId, 'memory.created', dto);
  return dto;
}

export async function getMemory(ctx: MemoryContext, userId: string, id: string): Promise<MemoryDto> {
  const row = await rows.findMemory(ctx.store.db, userId, id);
  if (!row) throw missing();
  return toMemoryDto(row);
}

export async function updateMemory(
  ctx: MemoryContext,
  userId: string,
  id: string,
  patch: UpdateMemoryInput,
): Promise<MemoryDto> {
  // Do not spend an embedding on someone else's (or no) memory.
  if (!(await rows.findMemory(ctx.store.db, userId, id))) throw missing();
  const vector = patch.content !== undefined ? await tryEmbed(ctx, patch.content) : undefined;
  const written = await rows.updateMemory(ctx.store.db, userId, id, patch, vector);
  if (!written) throw missing();
  const { row, generation } = written;
  if (generation !== undefined) {
    ctx.vectors.applied(
      userId,
      generation,
      patch.content === undefined
        ? { op: 'kind', id, kind: row.kind }
        : vector
          ? { op: 'upsert', id, kind: row.kind, space: vector, vector: vector.vector }
          : { op: 'remove', id },
    );
  }
  const dto = toMemoryDto(row);
  await announce(ctx, userId, 'memory.updated', dto);
  return dto;
}

export async function deleteMemory(ctx: MemoryContext, userId: string, id: string): Promise<void> {
  const generation = await rows.deleteMemory(ctx.store.db, userId, id);
  if (generation === null) throw missing();
  ctx.vectors.applied(userId, generation, { op: 'remove', id });
  await announce(ctx, userId, 'memory.deleted', { id });
}

export async function listMemories(
  ctx: MemoryContext,
  userId: string,
  query: ListMemoriesFilter,
): Promise<{ items: MemoryDto[]; nextCursor: string | null }> {
  const { cursor, ...filter } = query;
  const after = cursor ? decodeCursor(cursor) : undefined;
  const found = await rows.listMemories(ctx.store.db, userId, { ...filter, limit: filter.limit + 1 }, after);
  const page = found.slice(0, filter.limit);
  const last = page.at(-1);
  return {
    items: page.map(toMemoryDto),
    nextCursor: found.length > filter.limit && last ? encodeCursor(last) : null,
  };
}

export async function searchMemories(
  ctx: MemoryContext,
  userId: string,
  input: SearchInput,
): Promise<SearchResultDto> {
  let vector: Float32Array;
  try {
    vector = await embedOne(ctx.embedder, input.query);
  } catch (err) {
    if (err instanceof EmbeddingError) throw problems.unavailable('the embedding model is unavailable', 5);
    throw err;
  }
  const space = { model: ctx.embedder.model, dim: vector.length };
  const hits = await ctx.vectors.search({
    userId,
    space,
    vector,
    k: input.k,
    minScore: input.minScore,
    kinds: input.kinds,
  });
  const byId = await rows.memoriesByIds(
    ctx.store.db,
    userId,
    hits.map((h) => h.id),
  );
  const items = hits.flatMap((hit) => {
    const row = byId.get(hit.id);
    return row ? [{ score: hit.score, memory: toMemoryDto(row) }] : [];
  });
  return { model: space.model, items };
}

export async function memoryStatus(ctx: MemoryContext, userId: string): Promise<StatusDto> {
  const dimensions = ctx.embedder.dimensions ?? null;
  const { embedded, total } = await rows.embeddingCounts(ctx.store.db, userId, ctx.embedder.model);
  return {
    model: ctx.embedder.model,
    dimensions,
    vectorBackend: ctx.vectors.backendFor({ dim: dimensions ?? undefined }),
    embedded,
    pending: total - embedded,
  };
}

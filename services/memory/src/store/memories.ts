// Memory rows: every query filters by the owner, so another user's memory is simply absent.
// Writes that change a user's vectors bump the user's vector generation in the same
// transaction (in-process vector caches compare it).
import type { CreateMemoryInput, ListMemoriesFilter, UpdateMemoryInput } from '../api.js';
import type { ListPosition } from '../domain/cursor.js';
import type { Prisma } from '../generated/prisma/client.js';
import { type MemoryDb, type MemoryRow, type StoredVector, withEmbeddingModel } from './db.js';

type Tx = Prisma.TransactionClient;

export async function bumpGeneration(tx: Tx, userId: string): Promise<bigint> {
  const row = await tx.vectorGeneration.upsert({
    where: { userId },
    create: { userId, generation: 1n },
    update: { generation: { increment: 1n } },
  });
  return row.generation;
}

const embeddingData = (userId: string, v: StoredVector) => ({
  userId,
  model: v.model,
  dim: v.dim,
  vector: Array.from(v.vector),
  embeddedAt: new Date(),
});

export interface Written {
  row: MemoryRow;
  /** The user's new vector generation when the change touched vectors. */
  generation: bigint | undefined;
}

export async function insertMemory(
  db: MemoryDb,
  userId: string,
  input: CreateMemoryInput,
  vector: StoredVector | undefined,
): Promise<Written> {
  return db.$transaction(async (tx) => {
    const row = await tx.memory.create({
      data: {
        userId,
        ...input,
        ...(vector ? { embedding: { create: embeddingData(userId, vector) } } : {}),
      },
      include: withEmbeddingModel,
    });
    return { row, generation: vector ? await bumpGeneration(tx, userId) : undefined };
  });
}

export function findMemory(db: MemoryDb, userId: string, id: string): Promise<MemoryRow | null> {
  return db.memory.findFirst({ where: { id, userId }, include: withEmbeddingModel });
}

/**
 * Applies `patch` to the user's memory. A new content replaces the vector with `vector`, or
 * drops it when there is none (the old one describes the old content; the re-embedding job
 * fills the gap). Null when the user has no such memory.
 */
export async function updateMemory(
  db: MemoryDb,
  userId: string,
  id: string,
  patch: UpdateMemoryInput,
  vector: StoredVector | undefined,
): Promise<Written | null> {
  return db.$transaction(async (tx) => {
    const { count } = await tx.memory.updateMany({ where: { id, userId }, data: patch });
    if (count === 0) return null;
    const contentChanged = patch.content !== undefined;
    if (contentChanged && vector) {
      const data = embeddingData(userId, vector);
      await tx.memoryEmbedding.upsert({
        where: { memoryId: id },
        create: { memoryId: id, ...data },
        update: data,
      });
    } else if (contentChanged) {
      await tx.memoryEmbedding.deleteMany({ where: { memoryId: id } });
    }
    const touchesVectors = contentChanged || patch.kind !== undefined;
    const generation = touchesVectors ? await bumpGeneration(tx, userId) : undefined;
    const row = await tx.memory.findUniqueOrThrow({ where: { id }, include: withEmbeddingModel });
    return { row, generation };
  });
}

/** The new vector generation, or null when the user has no such memory. */
export async function deleteMemory(db: MemoryDb, userId: string, id: string): Promise<bigint | null> {
  return db.$transaction(async (tx) => {
    const { count } = await tx.memory.deleteMany({ where: { id, userId } });
    return count === 0 ? null : bumpGeneration(tx, userId);
  });
}

export async function listMemories(
  db: MemoryDb,
  userId: string,
  filter: Omit<ListMemoriesFilter, 'cursor'>,
  after: ListPosition | undefined,
): Promise<MemoryRow[]> {
  const where: Prisma.MemoryWhereInput = {
    userId,
    ...(filter.kind ? { kind: filter.kind } : {}),
    ...(filter.tag ? { tags: { has: filter.tag } } : {}),
    ...(filter.pinned !== undefined ? { pinned: filter.pinned } : {}),
    ...(after
      ? {
          OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }],
        }
      : {}),
  };
  return db.memory.findMany({
    where,
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: filter.limit,
    include: withEmbeddingModel,
  });
}

/** The user's memories among `ids`, by id (search results; always filtered by the owner). */
export async function memoriesByIds(
  db: MemoryDb,
  userId: string,
  ids: string[],
): Promise<Map<string, MemoryRow>> {
  if (ids.length === 0) return new Map();
  const rows = await db.memory.findMany({ where: { userId, id: { in: ids } }, include: withEmbeddingModel });
  return new Map(rows.map((r) => [r.id, r]));
}

export async function embeddingCounts(
  db: MemoryDb,
  userId: string,
  model: string,
): Promise<{ embedded: number; total: number }> {
  const [embedded, total] = await Promise.all([
    db.memoryEmbedding.count({ where: { userId, model } }),
    db.memory.count({ where: { userId } }),
  ]);
  return { embedded, total };
}

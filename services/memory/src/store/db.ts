// The memory service's Prisma client type, its raw-SQL pool, and the row → DTO mapping.
// Nothing outside this service reads these tables.
import type pg from 'pg';
import type { MemoryDto, MemoryKind } from '../api.js';
import type { Memory, PrismaClient } from '../generated/prisma/client.js';

export const MEMORY_SCHEMA = 'memory';

export type MemoryDb = PrismaClient;

/** Prisma for rows, the pool under it for the vector queries Prisma cannot express. */
export interface MemoryStore {
  db: MemoryDb;
  pool: pg.Pool;
}

/** A vector space: vectors are only ever compared within one. */
export interface EmbeddingSpace {
  model: string;
  dim: number;
}

/** A top-k search in one user's vectors of one space (both vector backends take it). */
export interface VectorQuery {
  userId: string;
  space: EmbeddingSpace;
  /** L2-normalised, `space.dim` long. */
  vector: Float32Array;
  k: number;
  minScore: number;
  kinds?: readonly MemoryKind[] | undefined;
}

export interface StoredVector extends EmbeddingSpace {
  vector: Float32Array;
}

export type MemoryRow = Memory & { embedding: { model: string } | null };

/** What a memory query must include for toMemoryDto. */
export const withEmbeddingModel = { embedding: { select: { model: true } } } as const;

export function toMemoryDto(row: MemoryRow): MemoryDto {
  return {
    id: row.id,
    kind: row.kind as MemoryKind,
    content: row.content,
    tags: row.tags,
    source: row.source,
    pinned: row.pinned,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    embeddingModel: row.embedding?.model ?? null,
  };
}

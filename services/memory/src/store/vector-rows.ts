// Raw SQL on the embeddings table that Prisma cannot express efficiently: bulk loading one
// user's vectors (binary array format) and the re-embedding job's batches.
import type pg from 'pg';
import { decodeFloat4Array } from './binary-array.js';
import { type EmbeddingSpace, MEMORY_SCHEMA, type StoredVector } from './db.js';

const T = `"${MEMORY_SCHEMA}"`;

export interface LoadedVectors {
  generation: bigint;
  rows: Array<{ id: string; kind: string; vector: Float32Array }>;
}

export async function currentGeneration(pool: pg.Pool, userId: string): Promise<bigint> {
  const res = await pool.query<{ generation: string }>(
    `SELECT generation::text AS generation FROM ${T}.vector_generations WHERE user_id = $1`,
    [userId],
  );
  return BigInt(res.rows[0]?.generation ?? '0');
}

/**
 * Every vector of `space` of the user, with the generation read first: rows may be newer than
 * the generation (a later check then reloads), never older.
 */
export async function loadUserVectors(
  pool: pg.Pool,
  userId: string,
  space: EmbeddingSpace,
): Promise<LoadedVectors> {
  const generation = await currentGeneration(pool, userId);
  // The vectors travel as base64 of PostgreSQL's binary array format: decoded natively, far
  // cheaper than parsing the text format's decimal numbers (node-postgres has no per-query
  // binary results).
  const res = await pool.query<{ id: string; kind: string; vector: string }>(
    `SELECT e.memory_id::text AS id, m.kind, encode(array_send(e.vector), 'base64') AS vector
       FROM ${T}.memory_embeddings e JOIN ${T}.memories m ON m.id = e.memory_id
      WHERE e.user_id = $1 AND e.model = $2 AND e.dim = $3`,
    [userId, space.model, space.dim],
  );
  return {
    generation,
    rows: res.rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      vector: decodeFloat4Array(Buffer.from(r.vector, 'base64')),
    })),
  };
}

export interface StaleMemory {
  id: string;
  userId: string;
  kind: string;
  content: string;
  updatedAt: Date;
}

/** Up to `limit` memories (any user) without a vector of `model`, oldest id first after `afterId`. */
export async function staleMemories(
  pool: pg.Pool,
  model: string,
  afterId: string | undefined,
  limit: number,
): Promise<StaleMemory[]> {
  const res = await pool.query<{
    id: string;
    user_id: string;
    kind: string;
    content: string;
    updated_at: Date;
  }>(
    `SELECT m.id::text AS id, m.user_id::text AS user_id, m.kind, m.content, m.updated_at
       FROM ${T}.memories m LEFT JOIN ${T}.memory_embeddings e ON e.memory_id = m.id
      WHERE (e.memory_id IS NULL OR e.model <> $1) AND ($2::uuid IS NULL OR m.id > $2::uuid)
      ORDER BY m.id LIMIT $3`,
    [model, afterId ?? null, limit],
  );
  return res.rows.map((r) => ({
    id: r.id,
    userId: r.user_id,
    kind: r.kind,
    content: r.content,
    updatedAt: r.updated_at,
  }));
}

/**
 * Stores a re-embedded vector unless the memory changed since it was read (then the update
 * path has embedded the new content already, or the next run will). Bumps the owner's
 * generation. Returns whether it was stored.
 */
export async function storeReembedded(
  pool: pg.Pool,
  memory: StaleMemory,
  v: StoredVector,
): Promise<bigint | null> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const res = await client.query(
      `INSERT INTO ${T}.memory_embeddings (memory_id, user_id, model, dim, vector, embedded_at)
       SELECT m.id, m.user_id, $2, $3, $4::real[], now() FROM ${T}.memories m
        WHERE m.id = $1 AND m.updated_at = $5
       ON CONFLICT (memory_id) DO UPDATE
          SET model = EXCLUDED.model, dim = EXCLUDED.dim, vector = EXCLUDED.vector, embedded_at = EXCLUDED.embedded_at`,
      [memory.id, v.model, v.dim, Array.from(v.vector), memory.updatedAt],
    );
    let generation: bigint | null = null;
    if (res.rowCount === 1) {
      const g = await client.query<{ generation: string }>(
        `INSERT INTO ${T}.vector_generations (user_id, generation) VALUES ($1, 1)
         ON CONFLICT (user_id) DO UPDATE SET generation = ${T}.vector_generations.generation + 1
         RETURNING generation::text AS generation`,
        [memory.userId],
      );
      generation = BigInt(g.rows[0]?.generation ?? '0');
    }
    await client.query('COMMIT');
    return generation;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/** Spaces that still have vectors, with their row counts (for dropping unused indexes). */
export async function spacesInUse(pool: pg.Pool): Promise<Array<EmbeddingSpace & { count: number }>> {
  const res = await pool.query<{ model: string; dim: number; count: string }>(
    `SELECT model, dim, count(*)::text AS count FROM ${T}.memory_embeddings GROUP BY model, dim`,
  );
  return res.rows.map((r) => ({ model: r.model, dim: r.dim, count: Number(r.count) }));
}

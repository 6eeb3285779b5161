// Every memory model round-trips through Prisma against the migrated schema (real PostgreSQL
// when reachable, embedded PGlite always), so the Prisma schema and the SQL migrations cannot drift.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendKinds } from '../../../test-support/platform.ts';
import type { MemoryDb } from '../src/store/db.js';
import { openTestStore, type TestStore } from './support/store.js';

describe.each(backendKinds())('memory schema round trip (%s)', (kind) => {
  let t: TestStore;
  let db: MemoryDb;
  beforeAll(async () => {
    t = await openTestStore(kind);
    db = t.store.db;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('writes and reads back every model with every field', async () => {
    const now = new Date('2026-01-02T03:04:05.678Z');
    const userId = '7f5e3c1a-2b4d-4e6f-8a9b-0c1d2e3f4a5b';
    const memory = await db.memory.create({
      data: {
        userId,
        kind: 'preference',
        content: 'Likes ☕ and “quotes”',
        tags: ['a', 'b'],
        source: 'chat:123',
        pinned: true,
        createdAt: now,
      },
    });
    expect(await db.memory.findUniqueOrThrow({ where: { id: memory.id } })).toEqual(memory);
    const vector = [0.5, -0.25, 0.125, 1e-7];
    const embedding = await db.memoryEmbedding.create({
      data: { memoryId: memory.id, userId, model: 'hash:v1-4', dim: 4, vector, embeddedAt: now },
    });
    expect(await db.memoryEmbedding.findUniqueOrThrow({ where: { memoryId: memory.id } })).toEqual(embedding);
    expect(embedding.vector[3]).toBeCloseTo(1e-7, 12);
    const generation = await db.vectorGeneration.create({
      data: { userId, generation: 9_007_199_254_740_993n },
    });
    expect(await db.vectorGeneration.findUniqueOrThrow({ where: { userId } })).toEqual(generation);
  });

  it('enforces the kind and the vector dimension, and cascades deletes to the vector', async () => {
    const userId = '1f5e3c1a-2b4d-4e6f-8a9b-0c1d2e3f4a5b';
    await expect(db.memory.create({ data: { userId, kind: 'secret', content: 'x' } })).rejects.toThrow();
    const memory = await db.memory.create({ data: { userId, kind: 'fact', content: 'x' } });
    await expect(
      db.memoryEmbedding.create({
        data: { memoryId: memory.id, userId, model: 'm', dim: 3, vector: [1, 2] },
      }),
    ).rejects.toThrow();
    await db.memoryEmbedding.create({
      data: { memoryId: memory.id, userId, model: 'm', dim: 2, vector: [1, 2] },
    });
    await db.memory.delete({ where: { id: memory.id } });
    expect(await db.memoryEmbedding.count({ where: { memoryId: memory.id } })).toBe(0);
  });
});

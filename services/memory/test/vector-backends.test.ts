// pgvector (HNSW) and the exact in-process cosine give the same results on the same data, and
// the in-process caches of two replicas stay current through the vector generation.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemoryKind, SearchResultDto } from '../src/api.js';
import type { MemoryContext } from '../src/domain/context.js';
import { createMemory, deleteMemory, searchMemories, updateMemory } from '../src/domain/memories.js';
import { createHashEmbedder } from '../src/embedding/hash-embedder.js';
import { PgvectorIndex } from '../src/store/pgvector.js';
import { openTestStore, type TestStore, testContext } from './support/store.js';

const WORDS =
  'tea coffee pizza pasta dog cat meeting budget report tuesday friday morning evening project deadline garden bike train holiday music guitar book novel running swimming doctor dentist birthday gift'.split(
    ' ',
  );
const KINDS: MemoryKind[] = ['fact', 'preference', 'note', 'context'];

/** Reproducible pseudo-random sentences from a small vocabulary (many partial overlaps). */
function sentences(count: number, seed: number): string[] {
  let s = seed;
  const next = () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 2_147_483_648;
  };
  return Array.from({ length: count }, () =>
    Array.from({ length: 3 + Math.floor(next() * 5) }, () => WORDS[Math.floor(next() * WORDS.length)]).join(
      ' ',
    ),
  );
}

const summary = (r: SearchResultDto) => r.items.map((i) => ({ id: i.memory.id, score: i.score }));

describe('pgvector and in-process search', () => {
  let t: TestStore;
  let withIndex: MemoryContext;
  let inProcess: MemoryContext;
  const user = randomUUID();
  const other = randomUUID();

  beforeAll(async () => {
    t = await openTestStore('embedded');
    expect(t.pgvectorSchema).toBeDefined();
    const embedder = createHashEmbedder(128);
    withIndex = await testContext(t.store, embedder, t.pgvectorSchema);
    inProcess = await testContext(t.store, embedder);
    const texts = sentences(240, 11);
    for (const [i, content] of texts.entries()) {
      await createMemory(withIndex, i % 5 === 0 ? other : user, {
        content,
        kind: KINDS[i % 4]!,
        tags: [],
        source: '',
        pinned: false,
      });
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  it('uses the HNSW index on the pgvector path', async () => {
    const index = new PgvectorIndex(t.store.pool, t.pgvectorSchema!);
    const space = { model: 'hash:v1-128', dim: 128 };
    const vector = createHashEmbedder(128).embed(['coffee morning']);
    const { sql, values } = index.searchStatement({
      userId: user,
      space,
      vector: (await vector)[0]!,
      k: 5,
      minScore: 0,
    });
    const plan = await index.withSearchSettings(5, (client) => client.query(`EXPLAIN ${sql}`, values));
    const text = plan.rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
    expect(text).toContain(`Index Scan using ${PgvectorIndex.indexName(space)}`);
  });

  it('returns the same memories and scores for many queries, thresholds, k and kind filters', async () => {
    const queries = sentences(30, 99);
    for (const [i, query] of queries.entries()) {
      const input = {
        query,
        k: [1, 5, 10, 20][i % 4]!,
        minScore: [-1, 0, 0.2][i % 3]!,
        ...(i % 5 === 0 ? { kinds: [KINDS[i % 4]!] } : {}),
      };
      const a = await searchMemories(withIndex, user, input);
      const b = await searchMemories(inProcess, user, input);
      expect(a.items.length, query).toBeGreaterThan(0);
      expect(
        a.items.map((x) => x.memory.id),
        query,
      ).toEqual(b.items.map((x) => x.memory.id));
      for (const [j, hit] of summary(a).entries()) expect(hit.score).toBeCloseTo(summary(b)[j]!.score, 5);
      for (const item of a.items) expect(input.kinds ?? KINDS).toContain(item.memory.kind);
      expect(a.items.every((x) => x.score >= input.minScore - 1e-6)).toBe(true);
    }
  });

  it('keeps in-process caches of two replicas current', async () => {
    const replicaA = await testContext(t.store, createHashEmbedder(128));
    const replicaB = await testContext(t.store, createHashEmbedder(128));
    const owner = randomUUID();
    const first = await createMemory(replicaA, owner, {
      content: 'violin lessons on monday',
      kind: 'fact',
      tags: [],
      source: '',
      pinned: false,
    });
    const q = { query: 'violin lessons', k: 5, minScore: 0.2 };
    expect(summary(await searchMemories(replicaA, owner, q)).map((h) => h.id)).toEqual([first.id]);
    expect(summary(await searchMemories(replicaB, owner, q)).map((h) => h.id)).toEqual([first.id]);
    // B changes things; A's cache must notice.
    const second = await createMemory(replicaB, owner, {
      content: 'violin lessons moved to friday',
      kind: 'note',
      tags: [],
      source: '',
      pinned: false,
    });
    expect(
      summary(await searchMemories(replicaA, owner, q))
        .map((h) => h.id)
        .sort(),
    ).toEqual([first.id, second.id].sort());
    await updateMemory(replicaB, owner, first.id, { content: 'cello practice' });
    expect(summary(await searchMemories(replicaA, owner, q)).map((h) => h.id)).toEqual([second.id]);
    await updateMemory(replicaB, owner, second.id, { kind: 'context' });
    expect((await searchMemories(replicaA, owner, { ...q, kinds: ['note'] })).items).toEqual([]);
    // A's own change is applied to its cache directly.
    await deleteMemory(replicaA, owner, second.id);
    expect((await searchMemories(replicaA, owner, q)).items).toEqual([]);
    expect((await searchMemories(replicaB, owner, q)).items).toEqual([]);
  });

  it('drops the HNSW indexes of previous models', async () => {
    const index = new PgvectorIndex(t.store.pool, t.pgvectorSchema!);
    const names = async () =>
      (
        await t.store.pool.query<{ name: string }>(
          `SELECT indexname AS name FROM pg_indexes WHERE schemaname = 'memory' AND indexname LIKE 'memory_embeddings_hnsw%'`,
        )
      ).rows.map((r) => r.name);
    const current = { model: 'hash:v1-128', dim: 128 };
    const previous = { model: "ollama:it's-old", dim: 64 };
    await index.ensureIndex(previous);
    expect((await names()).sort()).toEqual(
      [PgvectorIndex.indexName(current), PgvectorIndex.indexName(previous)].sort(),
    );
    expect(await index.dropIndexesExcept(current)).toEqual([PgvectorIndex.indexName(previous)]);
    expect(await names()).toEqual([PgvectorIndex.indexName(current)]);
    // Search on the current model still works.
    expect(
      (await searchMemories(withIndex, user, { query: 'coffee', k: 1, minScore: 0 })).items,
    ).toHaveLength(1);
  });
});

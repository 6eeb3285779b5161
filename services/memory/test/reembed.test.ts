// Re-embedding after a model change: in batches, resumable, search on vectors of the current
// model only meanwhile, concurrent changes never overwritten, failed embeddings caught up.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendKinds } from '../../../test-support/platform.ts';
import type { CreateMemoryInput } from '../src/api.js';
import type { MemoryContext } from '../src/domain/context.js';
import {
  createMemory,
  getMemory,
  memoryStatus,
  searchMemories,
  updateMemory,
} from '../src/domain/memories.js';
import { reembed } from '../src/domain/reembed.js';
import { type Embedder, EmbeddingError } from '../src/embedding/embedder.js';
import { createHashEmbedder } from '../src/embedding/hash-embedder.js';
import { staleMemories, storeReembedded } from '../src/store/vector-rows.js';
import { openTestStore, type TestStore, testContext } from './support/store.js';

const input = (content: string): CreateMemoryInput => ({
  content,
  kind: 'fact',
  tags: [],
  source: '',
  pinned: false,
});
const TOPICS = [
  'piano',
  'garden',
  'sailing',
  'chess',
  'baking',
  'hiking',
  'pottery',
  'cycling',
  'poetry',
  'tennis',
];

/** An embedder that fails while `down` is set (an unreachable provider). */
function flaky(inner: Embedder): Embedder & { down: boolean } {
  const e = {
    down: false,
    model: inner.model,
    dimensions: inner.dimensions,
    maxBatch: inner.maxBatch,
    embed: (texts: readonly string[]) =>
      e.down ? Promise.reject(new EmbeddingError('provider down')) : inner.embed(texts),
  };
  return e;
}

describe.each(backendKinds())('re-embedding (%s database)', (kind) => {
  let t: TestStore;
  let before: MemoryContext;
  let after: MemoryContext;
  const user = randomUUID();
  const ids: string[] = [];

  beforeAll(async () => {
    t = await openTestStore(kind);
    before = await testContext(t.store, createHashEmbedder(32), t.pgvectorSchema);
    after = await testContext(t.store, createHashEmbedder(96), t.pgvectorSchema);
    for (const topic of TOPICS)
      ids.push((await createMemory(before, user, input(`I enjoy ${topic} on weekends`))).id);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('re-embeds in batches; meanwhile search sees only vectors of the current model', async () => {
    expect(await memoryStatus(after, user)).toMatchObject({ model: 'hash:v1-96', embedded: 0, pending: 10 });
    expect(
      (await searchMemories(after, user, { query: 'piano on weekends', k: 10, minScore: -1 })).items,
    ).toEqual([]);

    const first = await reembed(after, { batchSize: 4, maxBatches: 1 });
    expect(first).toEqual({ stored: 4, skipped: 0, batches: 1 });
    expect(await memoryStatus(after, user)).toMatchObject({ embedded: 4, pending: 6 });
    const partial = await searchMemories(after, user, { query: 'weekends', k: 10, minScore: -1 });
    expect(partial.items).toHaveLength(4);
    for (const item of partial.items) expect(item.memory.embeddingModel).toBe('hash:v1-96');
    // The old model's search still works on what is left of its vectors (a replica not yet updated).
    expect(
      (await searchMemories(before, user, { query: 'weekends', k: 10, minScore: -1 })).items,
    ).toHaveLength(6);

    // Resumes where it stopped.
    const rest = await reembed(after, { batchSize: 4 });
    expect(rest).toEqual({ stored: 6, skipped: 0, batches: 2 });
    expect(await memoryStatus(after, user)).toMatchObject({ embedded: 10, pending: 0 });
    const top = await searchMemories(after, user, { query: 'I enjoy sailing', k: 1, minScore: 0.2 });
    expect(top.items[0]?.memory.content).toBe('I enjoy sailing on weekends');
    expect(await reembed(after, { batchSize: 4 })).toEqual({ stored: 0, skipped: 0, batches: 0 });
    const old = await t.store.pool.query(`SELECT 1 FROM memory.memory_embeddings WHERE model = 'hash:v1-32'`);
    expect(old.rowCount).toBe(0);
  });

  it('never overwrites a vector of content that changed while the batch was embedded', async () => {
    const m = await createMemory(before, user, input('original words'));
    const [stale] = (await staleMemories(t.store.pool, after.embedder.model, undefined, 100)).filter(
      (s) => s.id === m.id,
    );
    expect(stale).toBeDefined();
    await updateMemory(before, user, m.id, { content: 'changed words' });
    const [vector] = await after.embedder.embed([stale!.content]);
    expect(
      await storeReembedded(t.store.pool, stale!, { model: after.embedder.model, dim: 96, vector: vector! }),
    ).toBeNull();
    expect((await getMemory(after, user, m.id)).embeddingModel).toBe('hash:v1-32');
    expect(await reembed(after, { batchSize: 10 })).toMatchObject({ stored: 1 });
    const found = await searchMemories(after, user, { query: 'changed words', k: 1, minScore: 0.5 });
    expect(found.items.map((i) => i.memory.id)).toEqual([m.id]);
  });

  it('keeps memories whose embedding failed and embeds them later', async () => {
    const provider = flaky(createHashEmbedder(96));
    const ctx = await testContext(t.store, provider, t.pgvectorSchema);
    provider.down = true;
    const m = await createMemory(ctx, user, input('written while the provider was down'));
    expect(m.embeddingModel).toBeNull();
    await expect(searchMemories(ctx, user, { query: 'provider', k: 1, minScore: 0 })).rejects.toMatchObject({
      status: 503,
    });
    expect(await reembed(ctx, { batchSize: 10 })).toMatchObject({ stored: 0, skipped: 1 });
    provider.down = false;
    expect(await reembed(ctx, { batchSize: 10 })).toMatchObject({ stored: 1, skipped: 0 });
    const found = await searchMemories(ctx, user, {
      query: 'while the provider was down',
      k: 1,
      minScore: 0.5,
    });
    expect(found.items.map((i) => i.memory.id)).toEqual([m.id]);
  });
});

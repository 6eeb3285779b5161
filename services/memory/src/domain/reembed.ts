// The re-embedding job: gives every memory without a vector of the current model (a model
// change, or an embedding that failed at write time) one, in batches. Resumable by
// construction: what is left is exactly the memories still without a current vector, so a
// restarted job continues where the last one stopped. Meanwhile search keeps working on the
// vectors of the current model only (memories not yet re-embedded are listed, not found).
import { EmbeddingError, embedAll } from '../embedding/embedder.js';
import { staleMemories, storeReembedded } from '../store/vector-rows.js';
import type { MemoryContext } from './context.js';

export interface ReembedProgress {
  /** Memories given a vector of the current model in this run. */
  stored: number;
  /** Memories skipped (changed meanwhile, or the provider failed); a later run retries them. */
  skipped: number;
  /** Batches processed. */
  batches: number;
}

export interface ReembedOptions {
  batchSize: number;
  /** Stop after this many batches (the rest waits for the next run). */
  maxBatches?: number;
  /** Checked between batches. */
  shouldStop?: () => boolean;
}

export async function reembed(ctx: MemoryContext, options: ReembedOptions): Promise<ReembedProgress> {
  const progress: ReembedProgress = { stored: 0, skipped: 0, batches: 0 };
  const { pool } = ctx.store;
  let afterId: string | undefined;
  for (;;) {
    if (options.shouldStop?.() || progress.batches >= (options.maxBatches ?? Number.POSITIVE_INFINITY)) break;
    const batch = await staleMemories(pool, ctx.embedder.model, afterId, options.batchSize);
    if (batch.length === 0) break;
    progress.batches++;
    afterId = batch.at(-1)?.id;
    let vectors: Float32Array[];
    try {
      vectors = await embedAll(
        ctx.embedder,
        batch.map((m) => m.content),
      );
    } catch (err) {
      if (!(err instanceof EmbeddingError)) throw err;
      ctx.logger.warn(
        { err, model: ctx.embedder.model },
        're-embedding batch failed; retried on the next run',
      );
      progress.skipped += batch.length;
      break;
    }
    for (const [i, memory] of batch.entries()) {
      const vector = vectors[i] as Float32Array;
      const space = { model: ctx.embedder.model, dim: vector.length };
      await ctx.vectors.prepare(space);
      const generation = await storeReembedded(pool, memory, { ...space, vector });
      if (generation === null) {
        progress.skipped++;
        continue;
      }
      progress.stored++;
      ctx.vectors.applied(memory.userId, generation, {
        op: 'upsert',
        id: memory.id,
        kind: memory.kind,
        space,
        vector,
      });
    }
  }
  return progress;
}

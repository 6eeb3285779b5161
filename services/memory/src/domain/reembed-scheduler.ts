// Runs the re-embedding job at start and then periodically, in one replica at a time (a cache
// lock per model), and stops it between batches on shutdown. When a run leaves nothing
// behind, the HNSW indexes of other models are dropped.
import type { MemoryContext } from './context.js';
import { type ReembedProgress, reembed } from './reembed.js';

export interface ReembedSchedule {
  batchSize: number;
  intervalMs: number;
  /** Lock lifetime; a crashed holder blocks others at most this long. */
  lockTtlMs?: number;
  /** Called after each completed run (cleanup of unused indexes). */
  onIdle?: () => Promise<void>;
}

export interface ReembedScheduler {
  /** Runs once now (unless a run is in progress here or in another replica). */
  runNow(): Promise<ReembedProgress | undefined>;
  stop(): Promise<void>;
}

export function startReembedScheduler(ctx: MemoryContext, schedule: ReembedSchedule): ReembedScheduler {
  let stopped = false;
  let running: Promise<ReembedProgress | undefined> | undefined;
  const lockKey = `memory:reembed-lock:${ctx.embedder.model}`;

  const runOnce = async (): Promise<ReembedProgress | undefined> => {
    if (!(await ctx.cache.setIfAbsent(lockKey, String(process.pid), schedule.lockTtlMs ?? 10 * 60_000))) {
      return undefined;
    }
    try {
      const progress = await reembed(ctx, { batchSize: schedule.batchSize, shouldStop: () => stopped });
      if (progress.stored > 0 || progress.skipped > 0)
        ctx.logger.info({ model: ctx.embedder.model, ...progress }, 're-embedding run');
      if (progress.skipped === 0 && !stopped) await schedule.onIdle?.();
      return progress;
    } finally {
      await ctx.cache.del(lockKey).catch(() => false);
    }
  };

  const runNow = () => {
    running ??= runOnce()
      .catch((err: unknown) => {
        ctx.logger.warn({ err }, 're-embedding run failed; retried later');
        return undefined;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };

  const timer = setInterval(() => void runNow(), schedule.intervalMs);
  timer.unref();
  void runNow();
  return {
    runNow,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

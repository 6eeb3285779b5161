// The service's background work, started with it and stopped in the lifecycle's close phase: the
// two stream consumers and the roll-up schedule.
import type { StreamConsumer } from '@elwosa/runtime';
import type { AnalyticsContext } from './domain/context.js';
import { rollUpClosedDays } from './domain/rollup.js';
import { consumeTaskEvents } from './ingest/task-events.js';
import { consumeUsageEvents } from './ingest/usage-events.js';
import { type IntervalJob, startIntervalJob } from './workers/interval-lock.js';

export const ROLLUP_JOB = 'analytics:rollup';

export interface BackgroundWork {
  stop(): Promise<void>;
}

export async function startBackgroundWork(
  ctx: AnalyticsContext,
  instanceId: string,
): Promise<BackgroundWork> {
  const workers: Array<StreamConsumer | IntervalJob> = [];
  const stop = async () => {
    await Promise.allSettled(workers.map((w) => w.stop()));
  };
  try {
    workers.push(await consumeUsageEvents(ctx, instanceId));
    workers.push(await consumeTaskEvents(ctx, instanceId));
  } catch (err) {
    await stop();
    throw err;
  }
  workers.push(
    startIntervalJob({
      name: ROLLUP_JOB,
      cache: ctx.cache,
      intervalMs: ctx.settings.rollupIntervalMs,
      owner: instanceId,
      logger: ctx.logger,
      now: ctx.now,
      run: async (now, shouldStop) => {
        const days = await rollUpClosedDays(ctx.db, now, shouldStop);
        ctx.metrics.rolledUpDays.inc(days.length);
        if (days.length > 0) ctx.logger.info({ days }, 'daily roll-ups recomputed');
      },
      onSlot: (outcome) => ctx.metrics.rollupSlots.inc({ outcome }),
    }),
  );
  return { stop };
}

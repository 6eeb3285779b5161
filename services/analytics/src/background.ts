// The service's background work, started with it and stopped in the lifecycle's close phase: the
// two stream consumers and the roll-up schedule (roll-ups, then the raw usage retention).
import { type Periodic, type StreamConsumer, startSingletonSchedule } from '@elwosa/runtime';
import type { AnalyticsContext } from './domain/context.js';
import { purgeRolledUpUsage, rollUpClosedDays } from './domain/rollup.js';
import { consumeTaskEvents } from './ingest/task-events.js';
import { consumeUsageEvents } from './ingest/usage-events.js';

export const ROLLUP_JOB = 'analytics:rollup';

export interface BackgroundWork {
  stop(): Promise<void>;
}

export async function startBackgroundWork(
  ctx: AnalyticsContext,
  instanceId: string,
): Promise<BackgroundWork> {
  const workers: Array<StreamConsumer | Periodic> = [];
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
    startSingletonSchedule({
      name: ROLLUP_JOB,
      cache: ctx.cache,
      intervalMs: ctx.settings.rollupIntervalMs,
      owner: instanceId,
      logger: ctx.logger,
      now: ctx.now,
      run: async (now, { stopped }) => {
        const days = await rollUpClosedDays(ctx.db, now, stopped);
        ctx.metrics.rolledUpDays.inc(days.length);
        if (days.length > 0) ctx.logger.info({ days }, 'daily roll-ups recomputed');
        const purged = await purgeRolledUpUsage(ctx.db, now, ctx.settings.rawRetentionDays, stopped);
        ctx.metrics.purgedUsageRecords.inc(purged);
        if (purged > 0) ctx.logger.info({ purged }, 'raw usage records past the retention purged');
      },
      onSlot: (outcome) => ctx.metrics.rollupSlots.inc({ outcome }),
    }),
  );
  return { stop };
}

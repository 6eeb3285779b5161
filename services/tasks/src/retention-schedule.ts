// Runs the retention job once per interval across all replicas (the runtime's singleton
// schedule: one replica takes each slot's lock in the shared cache).
import { type Periodic, startSingletonSchedule } from '@elwosa/runtime';
import type { TasksContext } from './domain/context.js';
import { purgeExpired } from './domain/retention.js';
import type { TasksMetrics } from './metrics.js';

export const RETENTION_LOCK = 'tasks:retention';

export function startRetentionSchedule(
  ctx: TasksContext,
  metrics: TasksMetrics,
  instanceId: string,
): Periodic {
  return startSingletonSchedule({
    name: RETENTION_LOCK,
    cache: ctx.cache,
    intervalMs: ctx.retention.intervalMs,
    owner: instanceId,
    logger: ctx.logger,
    now: ctx.now,
    run: async (now, { slot, stopped }) => {
      const purged = await purgeExpired(ctx, now, stopped);
      metrics.retentionPurged.inc({ kind: 'tombstone' }, purged.tombstones);
      metrics.retentionPurged.inc({ kind: 'idempotency_key' }, purged.idempotencyKeys);
      if (purged.tombstones + purged.idempotencyKeys > 0)
        ctx.logger.info({ slot, ...purged }, 'retention purge');
    },
    onSlot: (outcome) => metrics.retentionRuns.inc({ outcome }),
  });
}

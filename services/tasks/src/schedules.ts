// The tasks service's background jobs, each run once per interval across all replicas (the
// runtime's singleton schedule: one replica takes each slot's lock in the shared cache): the
// retention purge (hourly) and the repair of the event outbox (every few seconds; a run that
// finds nothing due is one query).
import { type Periodic, startSingletonSchedule } from '@elwosa/runtime';
import type { TasksContext } from './domain/context.js';
import { republishDue } from './domain/event-repair.js';
import { purgeExpired } from './domain/retention.js';
import type { TasksMetrics } from './metrics.js';

export const RETENTION_LOCK = 'tasks:retention';
export const EVENT_REPAIR_LOCK = 'tasks:event-repair';

export function startTasksSchedules(
  ctx: TasksContext,
  metrics: TasksMetrics,
  instanceId: string,
  eventRepairIntervalMs: number,
): Periodic[] {
  const common = { cache: ctx.cache, owner: instanceId, logger: ctx.logger, now: ctx.now };
  const retention = startSingletonSchedule({
    ...common,
    name: RETENTION_LOCK,
    intervalMs: ctx.retention.intervalMs,
    run: async (now, { slot, stopped }) => {
      const purged = await purgeExpired(ctx, now, stopped);
      metrics.retentionPurged.inc({ kind: 'tombstone' }, purged.tombstones);
      metrics.retentionPurged.inc({ kind: 'idempotency_key' }, purged.idempotencyKeys);
      if (purged.tombstones + purged.idempotencyKeys > 0)
        ctx.logger.info({ slot, ...purged }, 'retention purge');
    },
    onSlot: (outcome) => metrics.retentionRuns.inc({ outcome }),
  });
  const eventRepair = startSingletonSchedule({
    ...common,
    name: EVENT_REPAIR_LOCK,
    intervalMs: eventRepairIntervalMs,
    run: async (_now, { slot, stopped }) => {
      const published = await republishDue(ctx, stopped);
      metrics.eventsRepublished.inc(published);
      if (published > 0) ctx.logger.info({ slot, published }, 'task events published from the outbox');
    },
    onSlot: (outcome) => metrics.eventRepairRuns.inc({ outcome }),
  });
  return [retention, eventRepair];
}

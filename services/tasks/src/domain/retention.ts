// The retention job: purges tombstones past their retention and expired idempotency keys, batch
// after batch until one comes back short (or the schedule is stopping; the next run goes on).
import { drainBatches } from '@elwosa/runtime';
import { purgeIdempotencyKeys, purgeTombstones } from '../store/retention.js';
import type { TasksContext } from './context.js';

export interface RetentionRun {
  tombstones: number;
  idempotencyKeys: number;
}

export async function purgeExpired(
  ctx: TasksContext,
  now: Date,
  stopped: () => boolean = () => false,
): Promise<RetentionRun> {
  const { retention, db } = ctx;
  const tombstonesBefore = new Date(now.getTime() - retention.tombstoneRetentionMs);
  const keysBefore = new Date(now.getTime() - retention.idempotencyTtlMs);
  const drain = (step: () => Promise<number>) => drainBatches(step, retention.batchSize, stopped);
  return {
    tombstones: await drain(() => purgeTombstones(db, tombstonesBefore, retention.batchSize)),
    idempotencyKeys: await drain(() => purgeIdempotencyKeys(db, keysBefore, retention.batchSize)),
  };
}

// The daily roll-up: recomputes a closed day's roll-up rows from its raw facts. Idempotent (a day
// rolled up twice has the same rows); the job rolls up every closed day whose roll-up is missing
// or stale (see store/day-state.ts for how late facts make a day stale).
import { lockDayExclusive, purgeableDays, staleDays } from '../store/day-state.js';
import { type AnalyticsDb, DAY_TRANSACTION } from '../store/db.js';
import { replaceDayRollup } from '../store/rollups.js';
import { taskCounts } from '../store/task-facts.js';
import { deleteDayUsageBatch, markRawPurged, usagePartials } from '../store/usage-records.js';
import { addDays, type Day, dayOf } from './days.js';
import type { Scope } from './scope.js';
import { foldPartials } from './usage-aggregate.js';

const EVERYONE: Scope = { kind: 'all' };
/** Days rolled up per batch; the job keeps going until none is left or it is stopped. */
export const ROLLUP_BATCH_DAYS = 31;

export function rollUpDay(db: AnalyticsDb, day: Day, now: Date): Promise<void> {
  return db.$transaction(async (tx) => {
    await lockDayExclusive(tx, day);
    const range = { from: day, to: day };
    const usage = foldPartials(await usagePartials(tx, range, EVERYONE, 'any'));
    const tasks = await taskCounts(tx, range, EVERYONE, 'any');
    await replaceDayRollup(tx, day, usage, tasks, now);
  }, DAY_TRANSACTION);
}

/**
 * Runs `each` on the days `find` returns, ROLLUP_BATCH_DAYS at a time, oldest first, until a
 * batch comes back short or `shouldStop` says so.
 */
async function forEachDayInBatches(
  find: (limit: number) => Promise<Day[]>,
  each: (day: Day) => Promise<void>,
  shouldStop: () => boolean,
): Promise<void> {
  for (;;) {
    const days = await find(ROLLUP_BATCH_DAYS);
    for (const day of days) {
      if (shouldStop()) return;
      await each(day);
    }
    if (days.length < ROLLUP_BATCH_DAYS) return;
  }
}

/** Rolls up every stale closed day (before today, UTC), oldest first; resolves the days done. */
export async function rollUpClosedDays(
  db: AnalyticsDb,
  now: Date,
  shouldStop: () => boolean = () => false,
): Promise<Day[]> {
  const done: Day[] = [];
  await forEachDayInBatches(
    (limit) => staleDays(db, dayOf(now), limit),
    async (day) => {
      await rollUpDay(db, day, now);
      done.push(day);
    },
    shouldStop,
  );
  return done;
}

/** Raw records deleted per statement: a large day never holds long locks or one huge delete. */
export const PURGE_BATCH_RECORDS = 5000;

/**
 * Purges the raw usage records of rolled-up days older than `retentionDays` (before today, UTC),
 * oldest first, a day at a time; resolves how many records went. Each day is first marked purged
 * (its roll-up stays and becomes final, see store/usage-records.ts), then its records are deleted
 * in batches; a run that stops between batches leaves the rest to the next one. Days not rolled
 * up yet keep their records until they are.
 */
export async function purgeRolledUpUsage(
  db: AnalyticsDb,
  now: Date,
  retentionDays: number,
  shouldStop: () => boolean = () => false,
  batchSize = PURGE_BATCH_RECORDS,
): Promise<number> {
  const before = addDays(dayOf(now), -retentionDays);
  let purged = 0;
  await forEachDayInBatches(
    (limit) => purgeableDays(db, before, limit),
    async (day) => {
      if (!(await markRawPurged(db, day))) return; // stale again meanwhile: rolled up first
      for (;;) {
        const deleted = await deleteDayUsageBatch(db, day, batchSize);
        purged += deleted;
        if (deleted < batchSize || shouldStop()) return;
      }
    },
    shouldStop,
  );
  return purged;
}

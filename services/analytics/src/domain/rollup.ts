// The daily roll-up: recomputes a closed day's roll-up rows from its raw facts. Idempotent (a day
// rolled up twice has the same rows); the job rolls up every closed day whose roll-up is missing
// or stale (see store/day-state.ts for how late facts make a day stale).
import { lockDayExclusive, purgeableDays, staleDays } from '../store/day-state.js';
import type { AnalyticsDb } from '../store/db.js';
import { replaceDayRollup } from '../store/rollups.js';
import { taskCounts } from '../store/task-facts.js';
import { purgeDayUsage, usagePartials } from '../store/usage-records.js';
import { addDays, type Day, dayOf } from './days.js';
import type { Scope } from './scope.js';
import { foldPartials } from './usage-aggregate.js';

const EVERYONE: Scope = { kind: 'all' };
/** Days rolled up per batch; the job keeps going until none is left or it is stopped. */
export const ROLLUP_BATCH_DAYS = 31;
/** A day's roll-up runs in one transaction; a busy day may take a while. */
const ROLLUP_TRANSACTION = { maxWait: 10_000, timeout: 120_000 };

export function rollUpDay(db: AnalyticsDb, day: Day, now: Date): Promise<void> {
  return db.$transaction(async (tx) => {
    await lockDayExclusive(tx, day);
    const range = { from: day, to: day };
    const usage = foldPartials(await usagePartials(tx, range, EVERYONE, 'any'));
    const tasks = await taskCounts(tx, range, EVERYONE, 'any');
    await replaceDayRollup(tx, day, usage, tasks, now);
  }, ROLLUP_TRANSACTION);
}

/** Rolls up every stale closed day (before today, UTC), oldest first; resolves the days done. */
export async function rollUpClosedDays(
  db: AnalyticsDb,
  now: Date,
  shouldStop: () => boolean = () => false,
): Promise<Day[]> {
  const done: Day[] = [];
  for (;;) {
    const days = await staleDays(db, dayOf(now), ROLLUP_BATCH_DAYS);
    for (const day of days) {
      if (shouldStop()) return done;
      await rollUpDay(db, day, now);
      done.push(day);
    }
    if (days.length < ROLLUP_BATCH_DAYS) return done;
  }
}

/**
 * Purges the raw usage records of rolled-up days older than `retentionDays` (before today, UTC),
 * oldest first, a day at a time; resolves how many records went. Their roll-ups stay and become
 * final (see store/day-state.ts). Days not rolled up yet keep their records until they are.
 */
export async function purgeRolledUpUsage(
  db: AnalyticsDb,
  now: Date,
  retentionDays: number,
  shouldStop: () => boolean = () => false,
): Promise<number> {
  const before = addDays(dayOf(now), -retentionDays);
  let purged = 0;
  for (;;) {
    const days = await purgeableDays(db, before, ROLLUP_BATCH_DAYS);
    for (const day of days) {
      if (shouldStop()) return purged;
      purged += (await purgeDayUsage(db, day)) ?? 0;
    }
    if (days.length < ROLLUP_BATCH_DAYS) return purged;
  }
}

// The roll-up state of days (`rollup_days`) and the advisory locks that keep it honest: writing a
// fact takes a shared lock on the fact's days and marks them stale; rolling up a day takes the
// day's lock exclusively. So a roll-up either sees a fact, or the fact marks its day stale after
// the roll-up committed — never a current roll-up that misses a fact.
// (Embedded PostgreSQL has one session, where transactions run one after the other anyway.)
import { type Day, dayOf, startOfDay } from '../domain/days.js';
import { Prisma } from '../generated/prisma/client.js';
import type { AnalyticsDb, Queryable, Tx } from './db.js';
import { dayText } from './sql.js';

/** The advisory-lock class of analytics day locks ('anlt'); the object id is the day number. */
const DAY_LOCK_CLASS = 0x616e6c74;

const dayNumber = (day: Day) => Prisma.sql`(${day}::date - DATE '1970-01-01')`;

/** Shared locks on `days` (in order, so two writers never wait on each other crosswise). */
export async function lockDaysShared(tx: Tx, days: readonly Day[]): Promise<void> {
  for (const day of [...new Set(days)].sort())
    await tx.$executeRaw`SELECT pg_advisory_xact_lock_shared(${DAY_LOCK_CLASS}::int, ${dayNumber(day)})`;
}

export async function lockDayExclusive(tx: Tx, day: Day): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${DAY_LOCK_CLASS}::int, ${dayNumber(day)})`;
}

/**
 * Marks days stale (known, roll-up not current); inside the transaction that wrote the fact. A
 * day whose raw usage was purged keeps its roll-up: recomputing it would lose that usage.
 */
export async function markDaysStale(tx: Tx, days: readonly Day[]): Promise<void> {
  const list = Prisma.join(days.map((d) => Prisma.sql`${d}::date`));
  await tx.$executeRaw`INSERT INTO "analytics"."rollup_days" (day) SELECT unnest(ARRAY[${list}]) ON CONFLICT (day) DO NOTHING`;
  await tx.$executeRaw`UPDATE "analytics"."rollup_days" SET current = false WHERE day IN (${list}) AND current AND NOT raw_purged`;
}

/** Whether the day's raw usage was purged (under the day's lock, the answer holds until commit). */
export async function isRawPurged(tx: Tx, day: Day): Promise<boolean> {
  const [row] = await tx.$queryRaw<Array<{ purged: boolean }>>`
    SELECT raw_purged AS purged FROM "analytics"."rollup_days" WHERE day = ${day}::date`;
  return row?.purged ?? false;
}

/**
 * Rolled-up days before `before` whose raw usage is still kept, or was marked purged but still
 * has records (a purge that stopped between batches), oldest first.
 */
export async function purgeableDays(db: AnalyticsDb, before: Day, limit: number): Promise<Day[]> {
  const rows = await db.$queryRaw<Array<{ day: Day }>>`
    SELECT ${dayText('r.day')} AS day FROM "analytics"."rollup_days" r
     WHERE r.day < ${before}::date AND r.current
       AND (NOT r.raw_purged OR EXISTS (SELECT 1 FROM "analytics"."ai_usage" u WHERE u.day = r.day))
     ORDER BY r.day
     LIMIT ${limit}`;
  return rows.map((r) => r.day);
}

export function markDayCurrent(db: Queryable, day: Day, now: Date) {
  const fields = { current: true, computedAt: now };
  return db.rollupDay.upsert({
    where: { day: startOfDay(day) },
    create: { day: startOfDay(day), ...fields },
    update: fields,
  });
}

/** Days before `before` whose roll-up is missing or stale, oldest first. */
export async function staleDays(db: AnalyticsDb, before: Day, limit: number): Promise<Day[]> {
  const rows = await db.rollupDay.findMany({
    where: { current: false, day: { lt: startOfDay(before) } },
    orderBy: { day: 'asc' },
    take: limit,
    select: { day: true },
  });
  return rows.map((r) => dayOf(r.day));
}

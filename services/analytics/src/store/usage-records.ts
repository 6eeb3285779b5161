// Raw AI usage records: idempotent insertion and the partial sums reports and roll-ups start from.
import type { DateRange } from '../domain/date-range.js';
import { type Day, startOfDay } from '../domain/days.js';
import { LATENCY_BOUNDS_MS } from '../domain/latency-histogram.js';
import type { Scope } from '../domain/scope.js';
import type { UsagePartial } from '../domain/usage-aggregate.js';
import type { UsageRecordInput } from '../domain/usage-event.js';
import { Prisma } from '../generated/prisma/client.js';
import { isRawPurged, lockDayExclusive, lockDaysShared, markDaysStale } from './day-state.js';
import { type AnalyticsDb, DAY_TRANSACTION, type Queryable } from './db.js';
import { type DaySource, dayBetween, daySourceFilter, dayText, userFilter } from './sql.js';

export type InsertOutcome = 'stored' | 'duplicate' | 'expired';

/**
 * Stores a record once per stream entry: 'duplicate' for a redelivered one, 'expired' (dropped)
 * for a day whose raw usage was already purged, whose roll-up is final.
 */
export function insertUsageRecord(db: AnalyticsDb, record: UsageRecordInput): Promise<InsertOutcome> {
  return db.$transaction(async (tx) => {
    await lockDaysShared(tx, [record.day]);
    if (await isRawPurged(tx, record.day)) return 'expired';
    const { count } = await tx.usageRecord.createMany({
      data: [{ ...record, day: startOfDay(record.day) }],
      skipDuplicates: true,
    });
    if (count > 0) await markDaysStale(tx, [record.day]);
    return count > 0 ? 'stored' : 'duplicate';
  });
}

/**
 * Marks a rolled-up day's raw usage as purged, under the day's exclusive lock (no fact of that
 * day is being written meanwhile). From then on the day's roll-up is final: late facts no longer
 * add raw records or make it stale, and nothing reads its raw records, so they can go in batches.
 * Resolves whether the day is marked (now or before); false when it is no longer current.
 */
export function markRawPurged(db: AnalyticsDb, day: Day): Promise<boolean> {
  return db.$transaction(async (tx) => {
    await lockDayExclusive(tx, day);
    await tx.$executeRaw`
      UPDATE "analytics"."rollup_days" SET raw_purged = true
       WHERE day = ${day}::date AND current AND NOT raw_purged`;
    return isRawPurged(tx, day);
  }, DAY_TRANSACTION);
}

/** Deletes up to `batchSize` raw records of a day; resolves how many (one short statement). */
export function deleteDayUsageBatch(db: AnalyticsDb, day: Day, batchSize: number): Promise<number> {
  return db.$executeRaw`
    DELETE FROM "analytics"."ai_usage" WHERE event_id IN (
      SELECT event_id FROM "analytics"."ai_usage" WHERE day = ${day}::date LIMIT ${batchSize})`;
}

// Constants of this module, not input: safe to inline.
const BOUNDS = Prisma.raw(`ARRAY[${LATENCY_BOUNDS_MS.join(',')}]::int[]`);

/** Sums of the records in `range` per key and latency bucket (see UsagePartial). */
export function usagePartials(
  db: Queryable,
  range: DateRange,
  scope: Scope,
  source: DaySource,
): Prisma.PrismaPromise<UsagePartial[]> {
  return db.$queryRaw<UsagePartial[]>`
    SELECT ${dayText('u.day')} AS day, u.user_id::text AS "userId", u.provider, u.model, u.operation,
      CASE WHEN u.status = 'ok' THEN width_bucket(u.latency_ms, ${BOUNDS}) END AS bucket,
      count(*)::int AS requests,
      (count(*) FILTER (WHERE u.status = 'error'))::int AS errors,
      (count(*) FILTER (WHERE NOT u.cost_known))::int AS unpriced,
      sum(u.input_tokens)::bigint AS "inputTokens",
      sum(u.output_tokens)::bigint AS "outputTokens",
      sum(u.cached_tokens)::bigint AS "cachedTokens",
      sum(u.cost_micro_usd)::bigint AS "costMicroUsd",
      (count(*) FILTER (WHERE u.status = 'ok'))::int AS "latencyCount",
      coalesce(sum(u.latency_ms) FILTER (WHERE u.status = 'ok'), 0)::bigint AS "latencySumMs",
      coalesce(max(u.latency_ms) FILTER (WHERE u.status = 'ok'), 0)::int AS "latencyMaxMs"
    FROM "analytics"."ai_usage" u
    WHERE ${dayBetween('u.day', range)} ${userFilter('u.user_id', scope)} ${daySourceFilter('u.day', source)}
    GROUP BY 1, 2, 3, 4, 5, 6`;
}

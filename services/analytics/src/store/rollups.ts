// The daily roll-up tables: replacing one day's rows, and reading the rows of current days.
import type { DateRange } from '../domain/date-range.js';
import { type Day, startOfDay } from '../domain/days.js';
import type { Scope } from '../domain/scope.js';
import type { TaskCounts } from '../domain/task-facts.js';
import type { UsageAggregate } from '../domain/usage-aggregate.js';
import type { Prisma } from '../generated/prisma/client.js';
import { markDayCurrent } from './day-state.js';
import type { Queryable, Tx } from './db.js';
import { dayBetween, daySourceFilter, dayText, userFilter } from './sql.js';

/** Replaces the roll-up of `day` and marks it current (inside the roll-up's transaction). */
export async function replaceDayRollup(
  tx: Tx,
  day: Day,
  usage: readonly UsageAggregate[],
  tasks: readonly TaskCounts[],
  now: Date,
): Promise<void> {
  const date = startOfDay(day);
  await tx.usageDaily.deleteMany({ where: { day: date } });
  if (usage.length > 0) await tx.usageDaily.createMany({ data: usage.map((u) => ({ ...u, day: date })) });
  await tx.taskDaily.deleteMany({ where: { day: date } });
  if (tasks.length > 0) await tx.taskDaily.createMany({ data: tasks.map((t) => ({ ...t, day: date })) });
  await markDayCurrent(tx, day, now);
}

export function rolledUpUsage(
  db: Queryable,
  range: DateRange,
  scope: Scope,
): Prisma.PrismaPromise<UsageAggregate[]> {
  return db.$queryRaw<UsageAggregate[]>`
    SELECT ${dayText('d.day')} AS day, d.user_id::text AS "userId", d.provider, d.model, d.operation,
      d.requests, d.errors, d.unpriced, d.input_tokens AS "inputTokens", d.output_tokens AS "outputTokens",
      d.cached_tokens AS "cachedTokens", d.cost_micro_usd AS "costMicroUsd",
      d.latency_sum_ms AS "latencySumMs", d.latency_max_ms AS "latencyMaxMs",
      d.latency_histogram AS "latencyHistogram"
    FROM "analytics"."usage_daily" d
    WHERE ${dayBetween('d.day', range)} ${userFilter('d.user_id', scope)} ${daySourceFilter('d.day', 'rolled-up')}`;
}

export function rolledUpTaskCounts(
  db: Queryable,
  range: DateRange,
  scope: Scope,
): Prisma.PrismaPromise<TaskCounts[]> {
  return db.$queryRaw<TaskCounts[]>`
    SELECT ${dayText('d.day')} AS day, d.user_id::text AS "userId", d.created, d.completed
    FROM "analytics"."tasks_daily" d
    WHERE ${dayBetween('d.day', range)} ${userFilter('d.user_id', scope)} ${daySourceFilter('d.day', 'rolled-up')}`;
}

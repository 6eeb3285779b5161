// Task facts: recorded atomically (read, merge, write) so concurrent and redelivered events of
// one task end in the same fact, with every day whose counts changed marked stale.
import type { DateRange } from '../domain/date-range.js';
import { dayOf, startOfDay } from '../domain/days.js';
import type { Scope } from '../domain/scope.js';
import { factDays, mergeTaskFact, type TaskCounts, type TaskFact } from '../domain/task-facts.js';
import type { Prisma } from '../generated/prisma/client.js';
import { lockDaysShared, markDaysStale } from './day-state.js';
import type { AnalyticsDb, Queryable } from './db.js';
import { type DaySource, dayBetween, daySourceFilter, dayText, userFilter } from './sql.js';

const columns = (fact: TaskFact) => ({
  createdAt: fact.createdAt,
  createdDay: startOfDay(dayOf(fact.createdAt)),
  completedAt: fact.completedAt,
  completedDay: fact.completedAt ? startOfDay(dayOf(fact.completedAt)) : null,
});

/** Resolves whether the stored fact changed. */
export function recordTaskFact(db: AnalyticsDb, incoming: TaskFact, now: Date): Promise<boolean> {
  return db.$transaction(async (tx) => {
    // The days of the incoming fact are locked before a new row can count on them.
    await lockDaysShared(tx, factDays(incoming));
    const created = await tx.taskFact.createMany({
      data: [{ taskId: incoming.taskId, userId: incoming.userId, ...columns(incoming), updatedAt: now }],
      skipDuplicates: true,
    });
    if (created.count > 0) {
      await markDaysStale(tx, factDays(incoming));
      return true;
    }
    const [stored] = await tx.$queryRaw<TaskFact[]>`
      SELECT task_id::text AS "taskId", user_id::text AS "userId", created_at AS "createdAt",
        completed_at AS "completedAt"
      FROM "analytics"."task_facts" WHERE task_id = ${incoming.taskId}::uuid FOR UPDATE`;
    const change = mergeTaskFact(stored ?? null, incoming);
    if (!change) return false;
    await lockDaysShared(tx, change.touchedDays);
    await markDaysStale(tx, change.touchedDays);
    await tx.taskFact.update({
      where: { taskId: incoming.taskId },
      data: { ...columns(change.next), updatedAt: now },
    });
    return true;
  });
}

/** Tasks created and completed per day and user in `range`. */
export function taskCounts(
  db: Queryable,
  range: DateRange,
  scope: Scope,
  source: DaySource,
): Prisma.PrismaPromise<TaskCounts[]> {
  return db.$queryRaw<TaskCounts[]>`
    WITH facts AS (
      SELECT f.created_day AS day, f.user_id, 1 AS created, 0 AS completed
      FROM "analytics"."task_facts" f
      WHERE ${dayBetween('f.created_day', range)} ${userFilter('f.user_id', scope)}
      UNION ALL
      SELECT f.completed_day, f.user_id, 0, 1
      FROM "analytics"."task_facts" f
      WHERE ${dayBetween('f.completed_day', range)} ${userFilter('f.user_id', scope)}
    )
    SELECT ${dayText('t.day')} AS day, t.user_id::text AS "userId",
      sum(t.created)::int AS created, sum(t.completed)::int AS completed
    FROM facts t
    WHERE TRUE ${daySourceFilter('t.day', source)}
    GROUP BY t.day, t.user_id`;
}

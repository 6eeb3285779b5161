// What a report reads, from one snapshot: roll-ups for the days whose roll-up is current, raw facts
// for every other day (today, and closed days not rolled up yet or changed since).
import type { DateRange } from '../domain/date-range.js';
import type { Scope } from '../domain/scope.js';
import type { TaskCounts } from '../domain/task-facts.js';
import { foldPartials, type UsageAggregate } from '../domain/usage-aggregate.js';
import { Prisma } from '../generated/prisma/client.js';
import type { AnalyticsDb } from './db.js';
import { rolledUpTaskCounts, rolledUpUsage } from './rollups.js';
import { taskCounts } from './task-facts.js';
import { usagePartials } from './usage-records.js';

export interface ReportData {
  usage: UsageAggregate[];
  tasks: TaskCounts[];
}

export async function loadReportData(db: AnalyticsDb, range: DateRange, scope: Scope): Promise<ReportData> {
  const [rolledUsage, rawUsage, rolledTasks, rawTasks] = await db.$transaction(
    [
      rolledUpUsage(db, range, scope),
      usagePartials(db, range, scope, 'raw'),
      rolledUpTaskCounts(db, range, scope),
      taskCounts(db, range, scope, 'raw'),
    ],
    { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead },
  );
  return { usage: [...rolledUsage, ...foldPartials(rawUsage)], tasks: [...rolledTasks, ...rawTasks] };
}

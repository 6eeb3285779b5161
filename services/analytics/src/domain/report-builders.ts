// Reports from aggregates (pure): the usage report (one row per day of the range, AI usage and
// task counts side by side) and the AI cost report (grouped by model, user or day).
import type { CostFigures, CostGroupBy, CostRowDto, Figures, UsageDayDto } from '../api.js';
import type { DateRange } from './date-range.js';
import { type Day, eachDay } from './days.js';
import { quantileUpperBound } from './latency-histogram.js';
import { formatMicroUsd, toSafeNumber } from './money.js';
import type { TaskCounts } from './task-facts.js';
import {
  emptyTotals,
  groupTotals,
  type UsageAggregate,
  type UsageKey,
  type UsageTotals,
} from './usage-aggregate.js';

function figures(t: UsageTotals): Figures {
  return {
    requests: t.requests,
    errors: t.errors,
    unpricedRequests: t.unpriced,
    inputTokens: toSafeNumber(t.inputTokens),
    outputTokens: toSafeNumber(t.outputTokens),
    cachedTokens: toSafeNumber(t.cachedTokens),
    costMicroUsd: toSafeNumber(t.costMicroUsd),
    costUsd: formatMicroUsd(t.costMicroUsd),
  };
}

function costFigures(t: UsageTotals): CostFigures {
  const samples = t.latencyHistogram.reduce((sum, n) => sum + n, 0);
  return {
    ...figures(t),
    latencyAvgMs: samples > 0 ? Math.round(Number(t.latencySumMs) / samples) : null,
    latencyP95Ms: quantileUpperBound(t.latencyHistogram, 0.95, t.latencyMaxMs),
  };
}

const sumTotals = (items: readonly UsageTotals[]): UsageTotals => groupTotals(items, [])[0] ?? emptyTotals();

export interface UsageReportRows {
  days: UsageDayDto[];
  totals: Figures & { tasksCreated: number; tasksCompleted: number };
}

/** Every day of the range, oldest first, zeros where nothing happened. */
export function buildUsageReport(
  range: DateRange,
  usage: readonly UsageAggregate[],
  tasks: readonly TaskCounts[],
): UsageReportRows {
  const usageByDay = new Map(groupTotals(usage, ['day']).map((g) => [g.day, g]));
  const tasksByDay = new Map<Day, { created: number; completed: number }>();
  for (const t of tasks) {
    const current = tasksByDay.get(t.day) ?? { created: 0, completed: 0 };
    tasksByDay.set(t.day, {
      created: current.created + t.created,
      completed: current.completed + t.completed,
    });
  }
  const days = eachDay(range.from, range.to).map((day) => ({
    day,
    ...figures(usageByDay.get(day) ?? emptyTotals()),
    tasksCreated: tasksByDay.get(day)?.created ?? 0,
    tasksCompleted: tasksByDay.get(day)?.completed ?? 0,
  }));
  return {
    days,
    totals: {
      ...figures(sumTotals([...usageByDay.values()])),
      tasksCreated: days.reduce((sum, d) => sum + d.tasksCreated, 0),
      tasksCompleted: days.reduce((sum, d) => sum + d.tasksCompleted, 0),
    },
  };
}

const COST_GROUP_FIELDS = {
  model: ['provider', 'model'],
  user: ['userId'],
  day: ['day'],
} as const satisfies Record<CostGroupBy, ReadonlyArray<keyof UsageKey>>;

/** Most expensive first (then most requests, then by key) — except by day: oldest first. */
function compareRows(groupBy: CostGroupBy) {
  const keyOf = (r: CostRowDto) => COST_GROUP_FIELDS[groupBy].map((f) => r[f] ?? '').join('\u0000');
  return (a: CostRowDto, b: CostRowDto): number => {
    if (groupBy !== 'day') {
      if (a.costMicroUsd !== b.costMicroUsd) return b.costMicroUsd - a.costMicroUsd;
      if (a.requests !== b.requests) return b.requests - a.requests;
    }
    return keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0;
  };
}

export function buildCostReport(
  groupBy: CostGroupBy,
  usage: readonly UsageAggregate[],
): { rows: CostRowDto[]; totals: CostFigures } {
  const fields: ReadonlyArray<keyof UsageKey> = COST_GROUP_FIELDS[groupBy];
  const rows = groupTotals(usage, fields).map((group) => {
    const key = Object.fromEntries(fields.map((f) => [f, group[f]]));
    return { ...key, ...costFigures(group) };
  });
  return { rows: rows.sort(compareRows(groupBy)), totals: costFigures(sumTotals(usage)) };
}

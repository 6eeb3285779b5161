// The report use cases: whose data (scope), which days (range), then the numbers.
import type { Identity } from '@elwosa/runtime';
import type { z } from 'zod';
import type { AiCostsQuery, CostReportDto, UsageQuery, UsageReportDto } from '../api.js';
import { loadReportData } from '../store/report-data.js';
import type { AnalyticsContext } from './context.js';
import { type DateRange, resolveDateRange } from './date-range.js';
import { dayOf } from './days.js';
import { buildCostReport, buildUsageReport } from './report-builders.js';
import { resolveScope, type Scope } from './scope.js';

type ReportQuery = z.output<typeof UsageQuery> | z.output<typeof AiCostsQuery>;

function prepare(ctx: AnalyticsContext, caller: Identity, query: ReportQuery) {
  const scope = resolveScope(caller, query);
  const range = resolveDateRange(query, dayOf(ctx.now()), ctx.settings.maxRangeDays);
  return { scope, range, header: describe(scope, range) };
}

const describe = (scope: Scope, range: DateRange) => ({
  from: range.from,
  to: range.to,
  scope: scope.kind,
  userId: scope.kind === 'user' ? scope.userId : null,
});

export async function usageReport(
  ctx: AnalyticsContext,
  caller: Identity,
  query: z.output<typeof UsageQuery>,
): Promise<UsageReportDto> {
  const { scope, range, header } = prepare(ctx, caller, query);
  const data = await loadReportData(ctx.db, range, scope);
  return { ...header, granularity: query.granularity, ...buildUsageReport(range, data.usage, data.tasks) };
}

export async function costReport(
  ctx: AnalyticsContext,
  caller: Identity,
  query: z.output<typeof AiCostsQuery>,
): Promise<CostReportDto> {
  const { scope, range, header } = prepare(ctx, caller, query);
  const data = await loadReportData(ctx.db, range, scope);
  return { ...header, groupBy: query.groupBy, ...buildCostReport(query.groupBy, data.usage) };
}

// The report use cases: whose data (scope), which days (range), the numbers for them, and the
// report built from those.
import type { Identity } from '@elwosa/runtime';
import type { z } from 'zod';
import type { AiCostsQuery, CostReportDto, UsageQuery, UsageReportDto } from '../api.js';
import { loadReportData } from '../store/report-data.js';
import type { AnalyticsContext } from './context.js';
import { resolveDateRange } from './date-range.js';
import { dayOf } from './days.js';
import { buildCostReport, buildUsageReport } from './report-builders.js';
import { resolveScope } from './scope.js';

type ReportQuery = z.output<typeof UsageQuery> | z.output<typeof AiCostsQuery>;

async function load(ctx: AnalyticsContext, caller: Identity, query: ReportQuery) {
  const scope = resolveScope(caller, query);
  const range = resolveDateRange(query, dayOf(ctx.now()), ctx.settings.maxRangeDays);
  const header = {
    from: range.from,
    to: range.to,
    scope: scope.kind,
    userId: scope.kind === 'user' ? scope.userId : null,
  };
  return { range, header, data: await loadReportData(ctx.db, range, scope) };
}

export async function usageReport(
  ctx: AnalyticsContext,
  caller: Identity,
  query: z.output<typeof UsageQuery>,
): Promise<UsageReportDto> {
  const { range, header, data } = await load(ctx, caller, query);
  return { ...header, granularity: query.granularity, ...buildUsageReport(range, data.usage, data.tasks) };
}

export async function costReport(
  ctx: AnalyticsContext,
  caller: Identity,
  query: z.output<typeof AiCostsQuery>,
): Promise<CostReportDto> {
  const { header, data } = await load(ctx, caller, query);
  return { ...header, groupBy: query.groupBy, ...buildCostReport(query.groupBy, data.usage) };
}

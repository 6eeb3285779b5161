// The analytics service's HTTP API as data: query and response schemas and route specs. The
// service binds handlers to these; the gateway builds the OpenAPI document from them.
import { defineRoute, type RouteSpec } from '@elwosa/runtime';
import { z } from 'zod';
import { READ_OWN } from './domain/scope.js';

const day = z.iso.date({ message: 'must be a date (YYYY-MM-DD)' });

const ReportQuery = z.object({
  /** First day (UTC, included); default: 30 days before `to`. */
  from: day.optional(),
  /** Last day (UTC, included); default: today. */
  to: day.optional(),
  /** `all`: every user (admins). Default: the caller's own data. */
  scope: z.enum(['own', 'all']).optional(),
  /** One user's data (admins; a user may name themself). */
  userId: z.uuid().optional(),
  /** `csv` or `json`; without it the Accept header decides (JSON unless it prefers text/csv). */
  format: z.enum(['json', 'csv']).optional(),
});
export const UsageQuery = ReportQuery.extend({ granularity: z.enum(['day']).default('day') }).strict();
export const AiCostsQuery = ReportQuery.extend({
  groupBy: z.enum(['model', 'user', 'day']).default('model'),
}).strict();
export type CostGroupBy = z.output<typeof AiCostsQuery>['groupBy'];

const count = z.number().int().nonnegative();
export const Figures = z.object({
  requests: count,
  errors: count.describe('calls that ended with an error'),
  unpricedRequests: count.describe(
    'calls of a paid model without a known price: their cost is missing from the cost',
  ),
  inputTokens: count,
  outputTokens: count,
  cachedTokens: count,
  costMicroUsd: count.describe('cost in integer micro-USD'),
  costUsd: z.string().describe('the same cost as an exact decimal string, e.g. "0.012345"'),
});
export type Figures = z.infer<typeof Figures>;

export const TaskFigures = z.object({ tasksCreated: count, tasksCompleted: count });
export const UsageDayDto = Figures.extend({ day }).extend(TaskFigures.shape);
export type UsageDayDto = z.infer<typeof UsageDayDto>;

export const CostFigures = Figures.extend({
  latencyAvgMs: count.nullable().describe('mean latency of successful calls'),
  latencyP95Ms: count
    .nullable()
    .describe(
      '95th percentile latency of successful calls: an upper bound, within one histogram bucket (~19 %) of the exact value',
    ),
});
export type CostFigures = z.infer<typeof CostFigures>;
export const CostRowDto = CostFigures.extend({
  day: day.optional(),
  userId: z.uuid().optional(),
  provider: z.string().optional(),
  model: z.string().optional(),
});
export type CostRowDto = z.infer<typeof CostRowDto>;

const ScopeDto = z.object({
  scope: z.enum(['user', 'all']),
  userId: z.uuid().nullable().describe('the user reported on; null for scope all'),
});
export const UsageReportDto = z
  .object({ from: day, to: day, granularity: z.literal('day'), days: z.array(UsageDayDto) })
  .extend(ScopeDto.shape)
  .extend({ totals: Figures.extend(TaskFigures.shape) });
export type UsageReportDto = z.infer<typeof UsageReportDto>;
export const CostReportDto = z
  .object({ from: day, to: day, groupBy: z.enum(['model', 'user', 'day']), rows: z.array(CostRowDto) })
  .extend(ScopeDto.shape)
  .extend({ totals: CostFigures });
export type CostReportDto = z.infer<typeof CostReportDto>;

const tags = ['analytics'];
const auth = { permission: READ_OWN };
const errors = {
  400: { description: 'Invalid query: bad date, from after to, range too long, unknown parameter' },
  403: { description: 'scope=all or another user’s id without the permission analytics:read:all' },
};
const csvNote = ' `?format=csv` or `Accept: text/csv` gives the rows as CSV (RFC 4180).';

export const analyticsRoutes = {
  usage: defineRoute({
    operationId: 'getUsageReport',
    method: 'get',
    path: '/api/analytics/usage',
    summary: `Requests, tokens and cost of AI calls, tasks created and completed, per UTC day.${csvNote}`,
    tags,
    auth,
    apiKeys: true,
    query: UsageQuery,
    responses: { 200: { description: 'One row per day of the range', schema: UsageReportDto }, ...errors },
  }),
  aiCosts: defineRoute({
    operationId: 'getAiCostReport',
    method: 'get',
    path: '/api/analytics/ai-costs',
    summary: `AI requests, tokens, cost and latency grouped by model, user or day.${csvNote}`,
    tags,
    auth,
    apiKeys: true,
    query: AiCostsQuery,
    responses: {
      200: { description: 'One row per group, most expensive first', schema: CostReportDto },
      ...errors,
    },
  }),
};

export const analyticsRouteSpecs: readonly RouteSpec[] = Object.values(analyticsRoutes);

// Binds the analytics API (api.ts) to the report use cases; each report as JSON or CSV.
import type { RouteBinder } from '@elwosa/runtime';
import type { Router } from 'express';
import { analyticsRoutes } from '../api.js';
import type { AnalyticsContext } from '../domain/context.js';
import { costReportCsv, usageReportCsv } from '../domain/report-csv.js';
import { costReport, usageReport } from '../domain/reports.js';
import { reportFormat, sendCsv } from './negotiate.js';

const jsonHeaders = { 'Cache-Control': 'private, no-store', Vary: 'Accept' };

export function bindAnalyticsRoutes(router: Router, binder: RouteBinder, ctx: AnalyticsContext): void {
  binder.bind(router, analyticsRoutes.usage, async ({ query, identity, req, res }) => {
    const report = await usageReport(ctx, identity, query);
    if (reportFormat(req, query.format) === 'json') return { body: report, headers: jsonHeaders };
    sendCsv(res, `usage-${report.from}-${report.to}.csv`, usageReportCsv(report));
    return undefined;
  });
  binder.bind(router, analyticsRoutes.aiCosts, async ({ query, identity, req, res }) => {
    const report = await costReport(ctx, identity, query);
    if (reportFormat(req, query.format) === 'json') return { body: report, headers: jsonHeaders };
    sendCsv(res, `ai-costs-by-${report.groupBy}-${report.from}-${report.to}.csv`, costReportCsv(report));
    return undefined;
  });
}

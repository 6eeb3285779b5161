// The reports as CSV (pure): one line per row of the JSON report, snake_case headers, the same
// values (cost in integer micro-USD and as a decimal USD string).
import type { CostReportDto, CostRowDto, Figures, UsageDayDto, UsageReportDto } from '../api.js';
import { type CsvValue, toCsv } from './csv.js';

type Column<R> = readonly [header: string, value: (row: R) => CsvValue];

const figureColumns: ReadonlyArray<Column<Figures>> = [
  ['requests', (r) => r.requests],
  ['errors', (r) => r.errors],
  ['input_tokens', (r) => r.inputTokens],
  ['output_tokens', (r) => r.outputTokens],
  ['cached_tokens', (r) => r.cachedTokens],
  ['cost_micro_usd', (r) => r.costMicroUsd],
  ['cost_usd', (r) => r.costUsd],
  ['unpriced_requests', (r) => r.unpricedRequests],
];

const usageColumns: ReadonlyArray<Column<UsageDayDto>> = [
  ['day', (r) => r.day],
  ...figureColumns,
  ['tasks_created', (r) => r.tasksCreated],
  ['tasks_completed', (r) => r.tasksCompleted],
];

const costKeyColumns: Record<CostReportDto['groupBy'], ReadonlyArray<Column<CostRowDto>>> = {
  model: [
    ['provider', (r) => r.provider ?? null],
    ['model', (r) => r.model ?? null],
  ],
  user: [['user_id', (r) => r.userId ?? null]],
  day: [['day', (r) => r.day ?? null]],
};

const latencyColumns: ReadonlyArray<Column<CostRowDto>> = [
  ['latency_avg_ms', (r) => r.latencyAvgMs],
  ['latency_p95_ms', (r) => r.latencyP95Ms],
];

function render<R>(columns: ReadonlyArray<Column<R>>, rows: readonly R[]): string {
  return toCsv(
    columns.map(([header]) => header),
    rows.map((row) => columns.map(([, value]) => value(row))),
  );
}

export const usageReportCsv = (report: UsageReportDto): string => render(usageColumns, report.days);

export const costReportCsv = (report: CostReportDto): string =>
  render([...costKeyColumns[report.groupBy], ...figureColumns, ...latencyColumns], report.rows);

// AI usage totals and how they combine (pure). Raw records arrive from the database as partial
// sums per (day, user, provider, model, operation, latency bucket); roll-up rows arrive as whole
// totals per key. Both become UsageAggregates, which merge exactly for any grouping: counts and
// money are summed (bigint), latency keeps sum, max and a histogram, never an average.
import type { Day } from './days.js';
import { emptyHistogram, mergeHistograms } from './latency-histogram.js';

export interface UsageKey {
  day: Day;
  userId: string;
  provider: string;
  model: string;
  operation: string;
}

export interface UsageTotals {
  requests: number;
  /** Calls that ended with status `error`. */
  errors: number;
  /** Calls of a paid model without a known price: their cost is missing, not zero. */
  unpriced: number;
  inputTokens: bigint;
  outputTokens: bigint;
  cachedTokens: bigint;
  costMicroUsd: bigint;
  /** Latency of successful calls only: their sum, maximum and histogram (see latency-histogram). */
  latencySumMs: bigint;
  latencyMaxMs: number;
  latencyHistogram: number[];
}

export type UsageAggregate = UsageKey & UsageTotals;

/** One row of the raw-records query: sums over the records of one key and one latency bucket. */
export interface UsagePartial extends UsageKey {
  /** The latency bucket of the successful calls in this row; null when the row has none. */
  bucket: number | null;
  requests: number;
  errors: number;
  unpriced: number;
  inputTokens: bigint;
  outputTokens: bigint;
  cachedTokens: bigint;
  costMicroUsd: bigint;
  /** Successful calls in this row (all in `bucket`). */
  latencyCount: number;
  latencySumMs: bigint;
  latencyMaxMs: number;
}

export const USAGE_KEY_FIELDS = ['day', 'userId', 'provider', 'model', 'operation'] as const;

export const emptyTotals = (): UsageTotals => ({
  requests: 0,
  errors: 0,
  unpriced: 0,
  inputTokens: 0n,
  outputTokens: 0n,
  cachedTokens: 0n,
  costMicroUsd: 0n,
  latencySumMs: 0n,
  latencyMaxMs: 0,
  latencyHistogram: emptyHistogram(),
});

export function addTotals(a: UsageTotals, b: UsageTotals): UsageTotals {
  return {
    requests: a.requests + b.requests,
    errors: a.errors + b.errors,
    unpriced: a.unpriced + b.unpriced,
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cachedTokens: a.cachedTokens + b.cachedTokens,
    costMicroUsd: a.costMicroUsd + b.costMicroUsd,
    latencySumMs: a.latencySumMs + b.latencySumMs,
    latencyMaxMs: Math.max(a.latencyMaxMs, b.latencyMaxMs),
    latencyHistogram: mergeHistograms(a.latencyHistogram, b.latencyHistogram),
  };
}

function partialTotals(p: UsagePartial): UsageTotals {
  const latencyHistogram = emptyHistogram();
  if (p.bucket !== null && p.latencyCount > 0) latencyHistogram[p.bucket] = p.latencyCount;
  return {
    requests: p.requests,
    errors: p.errors,
    unpriced: p.unpriced,
    inputTokens: p.inputTokens,
    outputTokens: p.outputTokens,
    cachedTokens: p.cachedTokens,
    costMicroUsd: p.costMicroUsd,
    latencySumMs: p.latencySumMs,
    latencyMaxMs: p.latencyMaxMs,
    latencyHistogram,
  };
}

/**
 * Sums `items` per distinct value of `fields` (in order of first appearance). The result
 * carries only the grouping fields and the totals.
 */
export function groupTotals<F extends keyof UsageKey>(
  items: ReadonlyArray<Pick<UsageKey, F> & UsageTotals>,
  fields: readonly F[],
): Array<Pick<UsageKey, F> & UsageTotals> {
  const groups = new Map<string, Pick<UsageKey, F> & UsageTotals>();
  for (const item of items) {
    const id = JSON.stringify(fields.map((f) => item[f]));
    const key = {} as Pick<UsageKey, F>;
    for (const f of fields) key[f] = item[f];
    const current = groups.get(id);
    groups.set(id, { ...key, ...addTotals(current ?? emptyTotals(), item) });
  }
  return [...groups.values()];
}

/** The partial rows of the raw-records query as one aggregate per key. */
export function foldPartials(partials: readonly UsagePartial[]): UsageAggregate[] {
  const items = partials.map((p) => ({ ...pickKey(p), ...partialTotals(p) }));
  return groupTotals(items, USAGE_KEY_FIELDS);
}

const pickKey = (k: UsageKey): UsageKey => ({
  day: k.day,
  userId: k.userId,
  provider: k.provider,
  model: k.model,
  operation: k.operation,
});

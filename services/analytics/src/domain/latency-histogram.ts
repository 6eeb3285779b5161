// Latency histograms (pure): fixed bucket bounds, so histograms of different users, models and
// days merge exactly by adding counts, and a percentile of any merged set can be read back with a
// known error. Bucket i holds latencies in [LATENCY_BOUNDS_MS[i-1], LATENCY_BOUNDS_MS[i]) (the
// first from 0, the last without an upper end): PostgreSQL's width_bucket(latency, bounds).
//
// The bounds grow by 2^(1/4) (≈ 19 %; a little more below 32 ms, where they are rounded to whole
// milliseconds) from 1 ms to 2^20 ms (≈ 17.5 min). Changing them makes
// stored roll-up histograms meaningless: a migration must then delete `rollup_days`.

function geometricBounds(): number[] {
  const bounds: number[] = [];
  for (let k = 0; k <= 80; k++) {
    const bound = Math.round(2 ** (k / 4));
    if (bound !== bounds[bounds.length - 1]) bounds.push(bound);
  }
  return bounds;
}

export const LATENCY_BOUNDS_MS: readonly number[] = Object.freeze(geometricBounds());
/** One bucket per bound plus the open-ended last one. */
export const HISTOGRAM_SIZE = LATENCY_BOUNDS_MS.length + 1;

export const emptyHistogram = (): number[] => new Array<number>(HISTOGRAM_SIZE).fill(0);

/** Element-wise sum; a missing or short histogram counts as zeros. */
export function mergeHistograms(a: readonly number[], b: readonly number[]): number[] {
  const merged = emptyHistogram();
  for (let i = 0; i < HISTOGRAM_SIZE; i++) merged[i] = (a[i] ?? 0) + (b[i] ?? 0);
  return merged;
}

/**
 * An upper bound of the q-quantile (0 < q ≤ 1): the upper end of the bucket that holds the
 * ⌈q·n⌉-th smallest latency, capped by the largest latency seen. The exact value lies within
 * one bucket (≈ 19 %) below it. Null when the histogram is empty.
 */
export function quantileUpperBound(histogram: readonly number[], q: number, maxMs: number): number | null {
  const total = histogram.reduce((sum, count) => sum + count, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    seen += histogram[i] ?? 0;
    if (seen >= rank) return Math.min(LATENCY_BOUNDS_MS[i] ?? maxMs, maxMs);
  }
  return maxMs;
}

// The date range of a report: inclusive UTC days, validated and bounded (pure).
import { problems } from '@elwosa/runtime';
import { addDays, type Day, daysInclusive } from './days.js';

export interface DateRange {
  from: Day;
  to: Day;
}

/** Days a report covers when the caller gives no `from`. */
export const DEFAULT_RANGE_DAYS = 30;

/**
 * `to` defaults to today, `from` to DEFAULT_RANGE_DAYS days ending at `to` (or fewer when the
 * limit is lower). 400 when `from` is after `to` or the range is longer than `maxDays`.
 */
export function resolveDateRange(
  input: { from?: Day | undefined; to?: Day | undefined },
  today: Day,
  maxDays: number,
): DateRange {
  const to = input.to ?? today;
  const from = input.from ?? addDays(to, -(Math.min(DEFAULT_RANGE_DAYS, maxDays) - 1));
  if (from > to) throw problems.badRequest(`from (${from}) must not be after to (${to})`);
  const days = daysInclusive(from, to);
  if (days > maxDays)
    throw problems.badRequest(`the range spans ${days} days; at most ${maxDays} are allowed`);
  return { from, to };
}

// metav1.Condition bookkeeping: lastTransitionTime changes only when the status flips; every
// condition carries the generation it was computed from.
import type { Condition } from '../api/elwosastack.js';

export type ConditionInput = Pick<Condition, 'type' | 'status' | 'reason' | 'message'>;

/** RFC 3339 with second precision, whatever the cache handed us (string or Date). */
export function normaliseTime(value: unknown): string {
  const date = value instanceof Date ? value : new Date(String(value));
  return Number.isNaN(date.getTime()) ? String(value) : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function mergeConditions(
  previous: readonly Condition[] | undefined,
  next: readonly ConditionInput[],
  generation: number,
  now: string,
): Condition[] {
  return next.map((c) => {
    const old = previous?.find((p) => p.type === c.type);
    const lastTransitionTime = old && old.status === c.status ? normaliseTime(old.lastTransitionTime) : now;
    return {
      type: c.type,
      status: c.status,
      observedGeneration: generation,
      lastTransitionTime,
      reason: c.reason,
      message: c.message.slice(0, 32768),
    };
  });
}

export function findCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

// What happens to an email delivery after a failed attempt (pure): exponential backoff with
// jitter, a maximum number of attempts, and permanent failures (SMTP 5xx, unknown recipient)
// that are not retried at all.

export interface RetryPolicy {
  maxAttempts: number;
  /** Delay before the second attempt, before jitter. */
  baseDelayMs: number;
  /** Upper bound of the delay, before jitter. */
  maxDelayMs: number;
}

/**
 * Delay after failed attempt number `attempt` (1-based): base × 2^(attempt-1), capped, then
 * "equal jitter" — uniformly between half and all of it, so replicas that failed together do not
 * retry together, yet the delay never collapses to zero.
 */
export function retryDelayMs(
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  const half = exponential / 2;
  return Math.round(half + random() * half);
}

export type FailureKind = 'transient' | 'permanent';

export type AfterFailure = { status: 'failed' } | { status: 'pending'; nextAttemptAt: Date };

export function afterFailure(
  attempts: number,
  kind: FailureKind,
  now: Date,
  policy: RetryPolicy,
  random: () => number = Math.random,
): AfterFailure {
  if (kind === 'permanent' || attempts >= policy.maxAttempts) return { status: 'failed' };
  return {
    status: 'pending',
    nextAttemptAt: new Date(now.getTime() + retryDelayMs(attempts, policy, random)),
  };
}

/** SMTP replies 5xx are permanent (the server will never accept this message); anything else may pass later. */
export function classifySendError(err: unknown): FailureKind {
  const code = (err as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600 ? 'permanent' : 'transient';
}

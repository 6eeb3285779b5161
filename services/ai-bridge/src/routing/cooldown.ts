// Passive health: which failures take a replica out of rotation, and for how long. Connect
// errors, broken streams, timeouts, 5xx (503 "server busy" included) and 429 eject; a client
// error (400, 404 model-not-found) says nothing about the replica's health and does not.
import type { ProviderError } from '../domain/types.js';

export interface CooldownPolicy {
  baseMs: number;
  maxMs: number;
  /** ± this fraction of the duration, so replicas do not all come back at the same instant. */
  jitter: number;
}

export const DEFAULT_COOLDOWN: CooldownPolicy = { baseMs: 5_000, maxMs: 30_000, jitter: 0.2 };

export function shouldEject(err: ProviderError): boolean {
  switch (err.kind) {
    case 'connect':
    case 'truncated':
    case 'timeout':
      return true;
    case 'status':
      return err.status !== undefined && (err.status >= 500 || err.status === 429);
    default:
      return false;
  }
}

/** True when a status means "this replica does not have the model": try another one. */
export function isModelMissing(err: ProviderError): boolean {
  return err.kind === 'status' && err.status === 404;
}

/**
 * Cooldown after the `consecutiveFailures`-th failure in a row: base × 2^(n−1), capped, with
 * jitter; a 429's Retry-After is respected when longer.
 */
export function cooldownMs(
  consecutiveFailures: number,
  policy: CooldownPolicy,
  random: () => number = Math.random,
  retryAfterSeconds?: number,
): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, consecutiveFailures - 1));
  const jittered = exp * (1 + policy.jitter * (2 * random() - 1));
  const floor = retryAfterSeconds !== undefined ? retryAfterSeconds * 1000 : 0;
  return Math.round(Math.min(policy.maxMs * (1 + policy.jitter), Math.max(jittered, floor)));
}

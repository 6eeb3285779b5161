// The sliding-log rate limit, shared by both adapters: the in-process adapter runs `slideAndTry`
// on an array, the Redis adapter runs the same steps in Lua (redis/scripts.ts) on a sorted set;
// both report a SlidingWindowState that `toRateLimitResult` turns into the public result.
import type { RateLimitOptions, RateLimitResult } from './cache-bus.js';

/** What one evaluation saw, in the clock of the backend that made the decision (ms). */
export interface SlidingWindowState {
  allowed: boolean;
  /** Requests counted in the window after this decision. */
  count: number;
  now: number;
  /**
   * Timestamp of the oldest / newest counted request (`now` when none). `oldest` is only read for a
   * denial; the Redis adapter reports `now` for both when the request was admitted.
   */
  oldest: number;
  newest: number;
}

/**
 * Drops timestamps that left the window (`<= now - windowMs`), then records `now` if fewer than
 * `limit` remain. `log` is sorted ascending and is modified in place.
 */
export function slideAndTry(
  log: number[],
  now: number,
  { limit, windowMs }: RateLimitOptions,
): SlidingWindowState {
  const cutoff = now - windowMs;
  let expired = 0;
  while (expired < log.length && log[expired]! <= cutoff) expired++;
  if (expired > 0) log.splice(0, expired);
  const allowed = log.length < limit;
  if (allowed) log.push(Math.max(now, log[log.length - 1] ?? now)); // stay sorted if the clock steps back
  return { allowed, count: log.length, now, oldest: log[0] ?? now, newest: log[log.length - 1] ?? now };
}

export function toRateLimitResult(
  state: SlidingWindowState,
  { limit, windowMs }: RateLimitOptions,
): RateLimitResult {
  const empty = state.count === 0;
  return {
    allowed: state.allowed,
    limit,
    remaining: Math.max(0, limit - state.count),
    resetMs: empty ? 0 : Math.max(0, state.newest + windowMs - state.now),
    retryAfterMs: state.allowed ? 0 : Math.max(1, state.oldest + windowMs - state.now),
  };
}

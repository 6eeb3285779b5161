// The per-subject sliding-window limiter. Decisions come from the shared cache (Redis in
// production, so every gateway replica counts together). When the cache is unavailable the
// gateway fails open to an in-memory insurance limiter with the same exact sliding window:
// each replica then enforces the limit on its own share of the traffic, so a user can get up to
// `limit × replicas` per window until the cache is back, never unlimited — and requests keep
// flowing while it is down (authenticated ones still need their revocation check, which fails
// closed on its own).
import {
  type CacheBus,
  CacheUnavailableError,
  MemoryCacheBus,
  MemoryStore,
  type RateLimitResult,
} from '@elwosa/runtime';
import type { Logger } from 'pino';

export type LimiterBackend = 'cache' | 'memory';

export interface RateLimitDecision extends RateLimitResult {
  backend: LimiterBackend;
}

export interface RateLimiterOptions {
  cache: CacheBus;
  limit: number;
  windowMs: number;
  logger: Logger;
  /** Key namespace in the cache. */
  keyPrefix?: string;
}

export interface RateLimiter {
  readonly limit: number;
  readonly windowMs: number;
  check(subjectKey: string): Promise<RateLimitDecision>;
  close(): Promise<void>;
}

const WARN_EVERY_MS = 10_000;

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { cache, limit, windowMs, logger } = options;
  const prefix = options.keyPrefix ?? 'gateway:ratelimit:';
  const store = new MemoryStore();
  const insurance = new MemoryCacheBus({ store });
  let lastWarning = 0;
  return {
    limit,
    windowMs,
    async check(subjectKey) {
      const key = `${prefix}${subjectKey}`;
      try {
        return { ...(await cache.rateLimit(key, { limit, windowMs })), backend: 'cache' };
      } catch (err) {
        if (!(err instanceof CacheUnavailableError)) throw err;
        const now = Date.now();
        if (now - lastWarning > WARN_EVERY_MS) {
          lastWarning = now;
          logger.warn({ err: err.message }, 'rate limit cache unavailable; using the in-memory limiter');
        }
        return { ...(await insurance.rateLimit(key, { limit, windowMs })), backend: 'memory' };
      }
    },
    async close() {
      await insurance.close();
      store.dispose();
    },
  };
}

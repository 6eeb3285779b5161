// The rate-limit step shared by HTTP requests and WebSocket upgrades: count the request against
// its subject, report the decision, and return the headers to send (and the 429 on a denial).
import { type HttpProblem, problems } from '@elwosa/runtime';
import type { GatewayMetrics } from '../metrics.js';
import { rateLimitHeaders } from './headers.js';
import type { RateLimiter } from './limiter.js';
import { rateLimitSubject } from './subject.js';

export interface RateLimitOutcome {
  headers: Record<string, string>;
  /** Set when the request is over the limit (429 with Retry-After). */
  problem?: HttpProblem;
}

export type RateLimitStep = (userId: string | undefined, ip: string | undefined) => Promise<RateLimitOutcome>;

export function createRateLimitStep(limiter: RateLimiter, metrics: GatewayMetrics): RateLimitStep {
  return async (userId, ip) => {
    const subject = rateLimitSubject(userId, ip);
    const decision = await limiter.check(subject.key);
    metrics.rateLimitDecisions.inc({
      decision: decision.allowed ? 'allowed' : 'denied',
      subject: subject.kind,
      backend: decision.backend,
    });
    const headers = rateLimitHeaders(decision, limiter.windowMs);
    if (decision.allowed) return { headers };
    return { headers, problem: problems.tooManyRequests(decision.retryAfterMs / 1000) };
  };
}

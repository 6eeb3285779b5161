// Rate-limit response headers, draft-ietf-httpapi-ratelimit-headers-08: the policy (quota `q`
// per window `w` seconds) and the current state (remaining `r`, seconds `t` until the quota is
// back), plus Retry-After on a denial.
import type { RateLimitResult } from '@elwosa/runtime';

export const RATE_LIMIT_POLICY_NAME = 'default';

export function rateLimitHeaders(result: RateLimitResult, windowMs: number): Record<string, string> {
  const name = RATE_LIMIT_POLICY_NAME;
  const headers: Record<string, string> = {
    'RateLimit-Policy': `"${name}";q=${result.limit};w=${Math.ceil(windowMs / 1000)}`,
    RateLimit: `"${name}";r=${result.remaining};t=${Math.ceil(result.resetMs / 1000)}`,
  };
  if (!result.allowed) headers['Retry-After'] = String(Math.max(1, Math.ceil(result.retryAfterMs / 1000)));
  return headers;
}

// The live-session check behind every access-token verification: the cache says whether the
// session is active; on a miss the auth service (the source of truth) answers and re-fills the
// cache. Fails closed: when neither can be asked, the request gets 503, never a pass.

import type { CacheBus } from '../cache/cache-bus.js';
import { CacheUnavailableError } from '../cache/errors.js';
import { problems } from '../http/problem.js';
import type { SessionCheck } from './access-token.js';
import { activeSessionKey } from './session-keys.js';

export const SESSION_LOOKUP_PATH = '/internal/sessions';
/** Auth's internal user lookup: `GET /internal/users/:id` → `{ id, email, name, disabled }`. */
export const USER_LOOKUP_PATH = '/internal/users';

export interface SessionCheckOptions {
  cache: CacheBus;
  /** Base URL of the auth service. */
  authUrl: string;
  timeoutMs?: number;
}

export function createSessionCheck(options: SessionCheckOptions): SessionCheck {
  const timeoutMs = options.timeoutMs ?? 2000;
  return async (claims) => {
    let cached: string | null;
    try {
      cached = await options.cache.get(activeSessionKey(claims.sid));
    } catch (err) {
      if (err instanceof CacheUnavailableError) throw problems.unavailable('session store unavailable');
      throw err;
    }
    if (cached !== null) return cached === claims.sub;
    let res: Response;
    try {
      res = await fetch(`${options.authUrl}${SESSION_LOOKUP_PATH}/${encodeURIComponent(claims.sid)}`, {
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch {
      throw problems.unavailable('auth service unavailable');
    }
    if (res.status === 404) return false;
    if (!res.ok) throw problems.unavailable('auth service unavailable');
    const body = (await res.json()) as { userId?: unknown };
    return body.userId === claims.sub;
  };
}

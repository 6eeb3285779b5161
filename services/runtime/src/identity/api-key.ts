// Personal API keys (`Bearer elw_…`) for scripts and OpenAI-compatible clients, accepted only
// on routes whose spec sets `apiKeys: true`. The auth service owns them (stored hashed); every
// verifier resolves a key through the shared cache and, on a miss, auth's internal lookup —
// the same fail-closed pattern as the live-session check. Revocation writes a tombstone.
import { createHash } from 'node:crypto';
import type { CacheBus } from '../cache/cache-bus.js';
import { CacheUnavailableError } from '../cache/errors.js';
import { problems } from '../http/problem.js';
import { bearerToken } from './access-token.js';
import { type Identity, identityFromClaims } from './identity.js';

export const API_KEY_PREFIX = 'elw_';
export const API_KEY_LOOKUP_PATH = '/internal/api-keys';
/** Cache value of a revoked key (or of a user whose keys must be looked up again). */
export const API_KEY_TOMBSTONE = 'revoked';
/** How long a resolved key (owner and roles) is trusted from the cache. */
export const API_KEY_CACHE_TTL_MS = 5 * 60_000;

export function isApiKey(token: string | undefined): boolean {
  return token?.startsWith(API_KEY_PREFIX) === true;
}

export function apiKeyHash(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export const apiKeyCacheKey = (hash: string): string => `auth:apikey:${hash}`;

export interface ResolvedApiKey {
  keyId: string;
  userId: string;
  roles: string[];
}

export type ApiKeyVerifier = (authorization: string | undefined) => Promise<Identity>;

export function createApiKeyVerifier(options: {
  cache: CacheBus;
  authUrl: string;
  timeoutMs?: number;
}): ApiKeyVerifier {
  const lookup = async (hash: string): Promise<ResolvedApiKey | undefined> => {
    let res: Response;
    try {
      res = await fetch(`${options.authUrl}${API_KEY_LOOKUP_PATH}/${hash}`, {
        signal: AbortSignal.timeout(options.timeoutMs ?? 2000),
      });
    } catch {
      throw problems.unavailable('auth service unavailable');
    }
    if (res.status === 404) return undefined;
    if (!res.ok) throw problems.unavailable('auth service unavailable');
    return (await res.json()) as ResolvedApiKey;
  };

  return async (authorization) => {
    const key = bearerToken(authorization);
    if (!key || !isApiKey(key) || key.length > 128) throw problems.unauthorized('invalid API key');
    const hash = apiKeyHash(key);
    let cached: string | null;
    try {
      cached = await options.cache.get(apiKeyCacheKey(hash));
    } catch (err) {
      if (err instanceof CacheUnavailableError) throw problems.unavailable('credential store unavailable');
      throw err;
    }
    if (cached === API_KEY_TOMBSTONE) throw problems.unauthorized('invalid API key');
    // On a miss auth answers from its database and refills the cache (never over a tombstone).
    const resolved = cached !== null ? (JSON.parse(cached) as ResolvedApiKey) : await lookup(hash);
    if (!resolved) throw problems.unauthorized('invalid API key');
    return identityFromClaims({
      sub: resolved.userId,
      sid: `apikey:${resolved.keyId}`,
      roles: resolved.roles,
    });
  };
}

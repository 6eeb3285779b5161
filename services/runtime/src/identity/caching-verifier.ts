// Services check a token on every request, and clients send the same token for up to its
// 15-minute life. Signature and claims checks of a token already verified are skipped for a
// short while (at most `maxAgeMs`, never past its `exp`); the live-session check still runs on
// every request, so logout and revocation keep taking effect on the next one. Key rotation
// reaches cached tokens within `maxAgeMs`. Only successes are cached, keyed by the exact token.
import type { JWTVerifyGetKey } from 'jose';
import { problems } from '../http/problem.js';
import {
  type AccessTokenVerifier,
  bearerToken,
  createAccessTokenVerifier,
  type SessionCheck,
} from './access-token.js';
import type { Identity } from './identity.js';

export interface CachedTokenVerifierOptions {
  keys: JWTVerifyGetKey;
  issuer: string;
  audience: string;
  maxEntries?: number;
  maxAgeMs?: number;
  now?: () => number;
}

interface Entry {
  identity: Identity;
  expiresAt: number;
}

function expiryOf(token: string): number {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
    exp?: unknown;
  };
  return typeof payload.exp === 'number' ? payload.exp * 1000 : 0;
}

/**
 * Signature and claims only (cached), without the live-session check: for callers that run the
 * session check themselves, alongside other work (the gateway batches it with the rate limit).
 */
export function createCachedTokenVerifier(options: CachedTokenVerifierOptions): AccessTokenVerifier {
  const maxEntries = options.maxEntries ?? 10_000;
  const maxAgeMs = options.maxAgeMs ?? 60_000;
  const now = options.now ?? Date.now;
  const verifySignatureAndClaims = createAccessTokenVerifier(options);
  const verified = new Map<string, Entry>();

  return async (authorization: string | undefined): Promise<Identity> => {
    const token = bearerToken(authorization);
    const cached = token === undefined ? undefined : verified.get(token);
    if (cached && cached.expiresAt > now()) return cached.identity;
    if (cached) verified.delete(token!);
    const identity = await verifySignatureAndClaims(authorization);
    if (verified.size >= maxEntries) verified.delete(verified.keys().next().value!);
    verified.set(token!, { identity, expiresAt: Math.min(now() + maxAgeMs, expiryOf(token!)) });
    return identity;
  };
}

/** Throws 401 when the identity's session is no longer live (503 when that cannot be told). */
export async function requireLiveSession(sessionCheck: SessionCheck, identity: Identity): Promise<Identity> {
  const live = await sessionCheck({ sub: identity.userId, sid: identity.sessionId, roles: identity.roles });
  if (!live) throw problems.unauthorized('session revoked');
  return identity;
}

/** `verifyToken`, then the live-session check on every call. */
export function withLiveSession(
  verifyToken: AccessTokenVerifier,
  sessionCheck: SessionCheck,
): AccessTokenVerifier {
  return async (authorization) => requireLiveSession(sessionCheck, await verifyToken(authorization));
}

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

export interface CachingVerifierOptions {
  keys: JWTVerifyGetKey;
  issuer: string;
  audience: string;
  sessionCheck: SessionCheck;
  maxEntries?: number;
  maxAgeMs?: number;
  now?: () => number;
}

interface Entry {
  identity: Identity;
  expiresAt: number;
}

const alwaysLive: SessionCheck = async () => true;

function expiryOf(token: string): number {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
    exp?: unknown;
  };
  return typeof payload.exp === 'number' ? payload.exp * 1000 : 0;
}

export function createCachingVerifier(options: CachingVerifierOptions): AccessTokenVerifier {
  const maxEntries = options.maxEntries ?? 10_000;
  const maxAgeMs = options.maxAgeMs ?? 60_000;
  const now = options.now ?? Date.now;
  const verifySignatureAndClaims = createAccessTokenVerifier({ ...options, sessionCheck: alwaysLive });
  const verified = new Map<string, Entry>();

  async function identityOf(authorization: string | undefined): Promise<Identity> {
    const token = bearerToken(authorization);
    const cached = token === undefined ? undefined : verified.get(token);
    if (cached && cached.expiresAt > now()) return cached.identity;
    if (cached) verified.delete(token!);
    const identity = await verifySignatureAndClaims(authorization);
    if (verified.size >= maxEntries) verified.delete(verified.keys().next().value!);
    verified.set(token!, { identity, expiresAt: Math.min(now() + maxAgeMs, expiryOf(token!)) });
    return identity;
  }

  return async (authorization) => {
    const identity = await identityOf(authorization);
    const live = await options.sessionCheck({
      sub: identity.userId,
      sid: identity.sessionId,
      roles: identity.roles,
    });
    if (!live) throw problems.unauthorized('session revoked');
    return identity;
  };
}

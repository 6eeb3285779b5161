// Admission, shared by proxied requests and WebSocket upgrades: who is asking (the access token's
// signature and claims, from the verified-token cache, or a personal API key on the routes that
// take one), whether the session is still live, and whether the subject is within its rate
// limit. The session check and the rate-limit decision both live in the cache and are
// independent once the token names its user, so they are asked together: with Redis they leave
// in one write and come back in one read, one round trip instead of two.
//
// The rate limit counts every request, admitted or not: against the token's user once its
// signature holds (a revoked session too), otherwise against the client address. A denial by
// the limit wins over an authentication failure, so a client cannot probe tokens past its limit.
import {
  type AccessTokenVerifier,
  type ApiKeyVerifier,
  type HttpProblem,
  type Identity,
  requireLiveSession,
  type SessionCheck,
} from '@elwosa/runtime';
import type { RateLimitStep } from '../ratelimit/rate-limit-step.js';
import { authenticate } from './authenticate.js';

export interface AdmissionRequest {
  /** The Authorization header (or the WebSocket token turned into one). */
  authorization: string | undefined;
  /** 'token': an access token is required; 'api-key': the route takes a personal API key and one was sent. */
  credential: 'none' | 'token' | 'api-key';
  /** The client address, for anonymous and unauthenticated requests. */
  ip: string | undefined;
}

export interface Admission {
  identity?: Identity;
  /** The rate-limit headers to send, admitted or not. */
  headers: Record<string, string>;
  /** Set when the request is refused (429, 401, 503). */
  problem?: HttpProblem;
}

export interface AdmissionOptions {
  tokenVerifier: AccessTokenVerifier;
  sessionCheck: SessionCheck;
  apiKeyVerifier: ApiKeyVerifier;
  rateLimit: RateLimitStep;
}

export type Admit = (request: AdmissionRequest) => Promise<Admission>;

export function createAdmission(options: AdmissionOptions): Admit {
  const { rateLimit } = options;
  const refuseOrAdmit = (
    limit: Awaited<ReturnType<RateLimitStep>>,
    auth: { identity?: Identity; problem?: HttpProblem } | undefined,
  ): Admission => {
    const problem = limit.problem ?? auth?.problem;
    if (problem) return { headers: limit.headers, problem };
    return { headers: limit.headers, ...(auth?.identity ? { identity: auth.identity } : {}) };
  };

  return async ({ authorization, credential, ip }) => {
    if (credential === 'none') return refuseOrAdmit(await rateLimit(undefined, ip), undefined);
    if (credential === 'api-key') {
      const auth = await authenticate(options.apiKeyVerifier, authorization);
      return refuseOrAdmit(await rateLimit(auth.identity?.userId, ip), auth);
    }
    const token = await authenticate(options.tokenVerifier, authorization);
    if (!token.identity) return refuseOrAdmit(await rateLimit(undefined, ip), token);
    const identity = token.identity;
    const [session, limit] = await Promise.all([
      authenticate(() => requireLiveSession(options.sessionCheck, identity), authorization),
      rateLimit(identity.userId, ip),
    ]);
    return refuseOrAdmit(limit, session);
  };
}

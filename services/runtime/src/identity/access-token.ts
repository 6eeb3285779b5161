// Access-token verification (ARCHITECTURE.md §5): EdDSA only, iss, aud, typ and exp checked
// with a small tolerance. The live-session check (revocation on the next request) follows it in
// every verifier a service uses: caching-verifier.ts (`withLiveSession`).
import { type JWTVerifyGetKey, errors as joseErrors, jwtVerify } from 'jose';
import { z } from 'zod';
import { problems } from '../http/problem.js';
import { type Identity, identityFromClaims } from './identity.js';

export const ACCESS_TOKEN_TYP = 'at+jwt';
export const ACCESS_TOKEN_ALG = 'EdDSA';
const MAX_TOKEN_LENGTH = 4096;
const CLOCK_TOLERANCE_SECONDS = 5;

const accessClaimsSchema = z.object({
  sub: z.string().min(1).max(64),
  sid: z.string().min(1).max(64),
  roles: z.array(z.string().max(32)).max(8),
});
export type AccessClaims = z.infer<typeof accessClaimsSchema>;

/** Resolves whether a session is still live. May throw an HttpProblem (503 when it cannot tell). */
export type SessionCheck = (claims: AccessClaims) => Promise<boolean>;

export interface AccessTokenVerifierOptions {
  keys: JWTVerifyGetKey;
  issuer: string;
  audience: string;
}

export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/i.exec(header.trim());
  return match?.[1];
}

export type AccessTokenVerifier = (authorization: string | undefined) => Promise<Identity>;

/** The token's signature and claims; no session check (see `withLiveSession`). */
export function createAccessTokenVerifier(options: AccessTokenVerifierOptions): AccessTokenVerifier {
  return async (authorization) => {
    const token = bearerToken(authorization);
    if (!token) throw problems.unauthorized('missing bearer token');
    if (token.length > MAX_TOKEN_LENGTH) throw problems.unauthorized('invalid token');
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, options.keys, {
        algorithms: [ACCESS_TOKEN_ALG],
        issuer: options.issuer,
        audience: options.audience,
        typ: ACCESS_TOKEN_TYP,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp', 'iat', 'sub'],
      }));
    } catch (err) {
      if (err instanceof joseErrors.JWKSTimeout || (err instanceof Error && err.name === 'JWKSTimeout')) {
        throw problems.unavailable('token keys unavailable');
      }
      if (err instanceof TypeError && /fetch failed/.test(err.message)) {
        throw problems.unavailable('token keys unavailable');
      }
      throw problems.unauthorized('invalid token');
    }
    const claims = accessClaimsSchema.safeParse(payload);
    if (!claims.success) throw problems.unauthorized('invalid token');
    return identityFromClaims(claims.data);
  };
}

// Token minting. Access tokens: EdDSA JWTs (typ at+jwt, 15 min). MFA challenge tokens: a
// different typ and audience, so they open nothing but the code step. Refresh tokens: opaque
// random strings, stored only as SHA-256 hashes.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { ACCESS_TOKEN_ALG, ACCESS_TOKEN_TYP } from '@elwosa/runtime';
import { jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import type { SigningKey } from './signing-keys.js';

export const MFA_CHALLENGE_TYP = 'mfa-challenge+jwt';
const MFA_CHALLENGE_TTL_SECONDS = 300;
const REFRESH_TOKEN_PREFIX = 'rt_';

export interface TokenSettings {
  issuer: string;
  audience: string;
  accessTtlSeconds: number;
}

export interface TokenMinter {
  accessToken(claims: { userId: string; sessionId: string; roles: string[] }): Promise<string>;
  challengeToken(userId: string): Promise<{ token: string; jti: string }>;
  verifyChallenge(token: string): Promise<{ userId: string; jti: string } | undefined>;
}

export function createTokenMinter(key: SigningKey, settings: TokenSettings): TokenMinter {
  const header = (typ: string) => ({ alg: ACCESS_TOKEN_ALG, typ, kid: key.kid });
  const challengeAudience = `${settings.audience}:mfa`;
  return {
    accessToken: ({ userId, sessionId, roles }) =>
      new SignJWT({ sid: sessionId, roles })
        .setProtectedHeader(header(ACCESS_TOKEN_TYP))
        .setSubject(userId)
        .setIssuer(settings.issuer)
        .setAudience(settings.audience)
        .setIssuedAt()
        .setJti(randomUUID())
        .setExpirationTime(`${settings.accessTtlSeconds}s`)
        .sign(key.privateKey),
    async challengeToken(userId) {
      const jti = randomUUID();
      const token = await new SignJWT({})
        .setProtectedHeader(header(MFA_CHALLENGE_TYP))
        .setSubject(userId)
        .setIssuer(settings.issuer)
        .setAudience(challengeAudience)
        .setIssuedAt()
        .setJti(jti)
        .setExpirationTime(`${MFA_CHALLENGE_TTL_SECONDS}s`)
        .sign(key.privateKey);
      return { token, jti };
    },
    async verifyChallenge(token) {
      try {
        const { payload } = await jwtVerify(token, key.publicKey, {
          algorithms: [ACCESS_TOKEN_ALG],
          issuer: settings.issuer,
          audience: challengeAudience,
          typ: MFA_CHALLENGE_TYP,
          clockTolerance: 5,
        });
        const parsed = z.object({ sub: z.string(), jti: z.string() }).safeParse(payload);
        return parsed.success ? { userId: parsed.data.sub, jti: parsed.data.jti } : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

export function newRefreshToken(): string {
  return `${REFRESH_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

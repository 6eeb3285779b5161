// Access tokens for the tests: a local Ed25519 key, its JWKS (passed to the gateway as
// tokenKeys) and helpers to sign good and deliberately broken tokens.
import { randomUUID } from 'node:crypto';
import {
  createLocalJWKSet,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  type JWTPayload,
  type JWTVerifyGetKey,
  SignJWT,
} from 'jose';

export const ISSUER = 'elwosa';
export const AUDIENCE = 'elwosa';
export const KID = 'test-key-1';

export interface SignOptions {
  sub?: string;
  sid?: string;
  roles?: string[];
  iss?: string;
  aud?: string;
  typ?: string;
  kid?: string;
  /** Seconds from now (negative: in the past). */
  expiresIn?: number;
  notBefore?: number;
  extra?: JWTPayload;
}

export interface TokenKit {
  keys: JWTVerifyGetKey;
  publicKeyPem: string;
  sign(options?: SignOptions): Promise<string>;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export async function createTokenKit(): Promise<TokenKit> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: KID, alg: 'EdDSA', use: 'sig' };
  return {
    keys: createLocalJWKSet({ keys: [jwk] }),
    publicKeyPem: await exportSPKI(publicKey),
    async sign(options = {}) {
      const now = Math.floor(Date.now() / 1000);
      const jwt = new SignJWT({
        sid: options.sid ?? randomUUID(),
        roles: options.roles ?? ['user'],
        ...options.extra,
      })
        .setProtectedHeader({ alg: 'EdDSA', kid: options.kid ?? KID, typ: options.typ ?? 'at+jwt' })
        .setSubject(options.sub ?? randomUUID())
        .setIssuer(options.iss ?? ISSUER)
        .setAudience(options.aud ?? AUDIENCE)
        .setIssuedAt(now)
        .setExpirationTime(now + (options.expiresIn ?? 900));
      if (options.notBefore !== undefined) jwt.setNotBefore(now + options.notBefore);
      return jwt.sign(privateKey);
    },
  };
}

/** Decoded header and payload of a compact JWS (no verification). */
export function decodeToken(token: string): {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
} {
  const [header = '', payload = ''] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString()) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>,
  };
}

/** An unsigned token (`alg: none`) with the given payload. */
export function unsignedToken(payload: Record<string, unknown>): string {
  return `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(payload)}.`;
}

/** The same token with its payload replaced, keeping the old signature. */
export function withPayload(token: string, payload: Record<string, unknown>): string {
  const [header, , signature] = token.split('.');
  return `${header}.${b64(payload)}.${signature}`;
}

/** An HS256 token whose HMAC secret is the public key (algorithm confusion). */
export async function hs256WithPublicKey(
  publicKeyPem: string,
  payload: Record<string, unknown>,
): Promise<string> {
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'HS256', kid: KID, typ: 'at+jwt' })
    .sign(new TextEncoder().encode(publicKeyPem));
}

// Small helpers shared by the benchmark harnesses.
import { randomUUID } from 'node:crypto';

/** Node runs the TypeScript directly (type stripping); one reachability check for tests and benches. */
export { reachable } from '../test-support/backends.ts';

export function median(xs) {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function round(x, digits) {
  return Number(x.toFixed(digits));
}

/**
 * An Ed25519 key (its public JWK with kid `bench`) and one access token per user, shaped like
 * the auth service's (typ at+jwt, iss/aud `elwosa`, 1 h).
 */
export async function benchTokens(userCount) {
  const { SignJWT, exportJWK, generateKeyPair } = await import('jose');
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'EdDSA', use: 'sig' };
  const users = Array.from({ length: userCount }, () => ({ sub: randomUUID(), sid: randomUUID() }));
  const now = Math.floor(Date.now() / 1000);
  const tokens = await Promise.all(
    users.map(({ sub, sid }) =>
      new SignJWT({ sid, roles: ['user'] })
        .setProtectedHeader({ alg: 'EdDSA', kid: 'bench', typ: 'at+jwt' })
        .setSubject(sub)
        .setIssuer('elwosa')
        .setAudience('elwosa')
        .setIssuedAt(now)
        .setExpirationTime(now + 3600)
        .sign(privateKey),
    ),
  );
  return { jwk, users, tokens };
}

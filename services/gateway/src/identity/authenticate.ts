// The authentication step shared by HTTP requests and WebSocket upgrades: the host's verifier
// (JWT via JWKS, EdDSA only, iss/aud/typ/exp, then the live-session check) turned into either
// an identity or the problem to answer with (401 with WWW-Authenticate, 503 when the
// revocation check cannot run). The problem is returned, not thrown, so the caller can count
// the request against the client's rate limit first.
import { HttpProblem, type Identity } from '@elwosa/runtime';

export type AuthOutcome =
  | { identity: Identity; problem?: undefined }
  | { identity?: undefined; problem: HttpProblem };

export async function authenticate(
  verifier: (authorization: string | undefined) => Promise<Identity>,
  authorization: string | undefined,
): Promise<AuthOutcome> {
  try {
    return { identity: await verifier(authorization) };
  } catch (err) {
    if (err instanceof HttpProblem) return { problem: err };
    throw err;
  }
}

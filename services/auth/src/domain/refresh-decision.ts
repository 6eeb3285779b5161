// What to do with a presented refresh token (pure). Single use with rotation; a token used
// again within the grace period (a client's concurrent refresh) rotates once more and retires
// its sibling, so at most one child lives; a reuse after the grace period is theft: the whole
// family (session) is revoked.

export const REFRESH_REUSE_GRACE_MS = 10_000;

export interface PresentedToken {
  usedAt: Date | null;
  revokedAt: Date | null;
  expiresAt: Date;
}

export interface TokenSession {
  revokedAt: Date | null;
  expiresAt: Date;
  userDisabled: boolean;
}

export type RefreshDecision =
  | { action: 'rotate' }
  | { action: 'rotate-within-grace' }
  | { action: 'reject'; reason: 'revoked' | 'expired' | 'session-ended' }
  | { action: 'revoke-family'; reason: 'reuse' };

export function decideRefresh(
  token: PresentedToken,
  session: TokenSession,
  now: Date,
  graceMs = REFRESH_REUSE_GRACE_MS,
): RefreshDecision {
  if (session.revokedAt || session.userDisabled) return { action: 'reject', reason: 'session-ended' };
  if (session.expiresAt <= now) return { action: 'reject', reason: 'session-ended' };
  if (token.usedAt) {
    return now.getTime() - token.usedAt.getTime() <= graceMs
      ? { action: 'rotate-within-grace' }
      : { action: 'revoke-family', reason: 'reuse' };
  }
  if (token.revokedAt) return { action: 'reject', reason: 'revoked' };
  if (token.expiresAt <= now) return { action: 'reject', reason: 'expired' };
  return { action: 'rotate' };
}

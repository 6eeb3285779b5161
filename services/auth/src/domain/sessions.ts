// Sessions are refresh-token families. Creating one issues the first refresh token; rotation
// serialises on the session row (SELECT … FOR UPDATE) so concurrent refreshes of one token yield
// at most one live child. Sign-in and revocation commit with their audit entry and security
// event (audited-changes.ts); a revocation's tombstone in the cache follows the commit
// (revocations.ts).
import { randomUUID } from 'node:crypto';
import { problems } from '@elwosa/runtime';
import { newRefreshToken, sha256Hex } from '../crypto/tokens.js';
import type { User } from '../generated/prisma/client.js';
import { type Tx, toUserDto } from '../store/db.js';
import { revokeSessionRows, type SessionFilter } from '../store/session-revocations.js';
import type { AuditRecord } from './audited-changes.js';
import type { AuthContext, ClientInfo } from './context.js';
import { decideRefresh } from './refresh-decision.js';
import { tombstoneSessions } from './revocations.js';

export interface TokenPair {
  tokenType: 'Bearer';
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  refreshExpiresIn: number;
  user: ReturnType<typeof toUserDto>;
}

function refreshExpiry(ctx: AuthContext, sessionExpiresAt: Date): Date {
  const byTtl = Date.now() + ctx.settings.refreshTtlSeconds * 1000;
  return new Date(Math.min(byTtl, sessionExpiresAt.getTime()));
}

async function tokenPair(
  ctx: AuthContext,
  user: User,
  sessionId: string,
  refreshToken: string,
  refreshExpiresAt: Date,
): Promise<TokenPair> {
  return {
    tokenType: 'Bearer',
    accessToken: await ctx.minter.accessToken({ userId: user.id, sessionId, roles: user.roles }),
    expiresIn: ctx.settings.accessTtlSeconds,
    refreshToken,
    refreshExpiresIn: Math.floor((refreshExpiresAt.getTime() - Date.now()) / 1000),
    user: toUserDto(user),
  };
}

/** Signs the user in: the session, its first refresh token, the audit entry and the "new login" event commit together. */
export async function startSession(
  ctx: AuthContext,
  user: User,
  client: ClientInfo,
  mfa: boolean,
): Promise<TokenPair> {
  const sessionId = randomUUID();
  const expiresAt = new Date(Date.now() + ctx.settings.sessionMaxAgeSeconds * 1000);
  const refreshToken = newRefreshToken();
  const refreshExpiresAt = refreshExpiry(ctx, expiresAt);
  await ctx.audit.commit(
    client,
    async (tx) => {
      await tx.session.create({
        data: {
          id: sessionId,
          userId: user.id,
          userAgent: client.userAgent.slice(0, 512),
          ip: client.ip,
          mfa,
          expiresAt,
        },
      });
      await tx.refreshToken.create({
        data: { sessionId, tokenHash: sha256Hex(refreshToken), expiresAt: refreshExpiresAt },
      });
    },
    () => ({
      audit: { event: 'login.succeeded', outcome: 'success', userId: user.id, details: { mfa } },
      event: { type: 'login.new', userId: user.id, data: { ip: client.ip, userAgent: client.userAgent } },
    }),
    { afterCommit: () => ctx.liveness.markActive(sessionId, user.id, expiresAt) },
  );
  return tokenPair(ctx, user, sessionId, refreshToken, refreshExpiresAt);
}

type RotationOutcome =
  | {
      kind: 'rotated';
      user: User;
      sessionId: string;
      sessionExpiresAt: Date;
      refreshToken: string;
      refreshExpiresAt: Date;
    }
  | { kind: 'reuse'; userId: string; sessionId: string; revoked: string[] }
  | { kind: 'rejected' };

async function rotateInTx(tx: Tx, ctx: AuthContext, presented: string): Promise<RotationOutcome> {
  const token = await tx.refreshToken.findUnique({ where: { tokenHash: sha256Hex(presented) } });
  if (!token) return { kind: 'rejected' };
  // Serialise every refresh of this family.
  await tx.$queryRaw`SELECT id FROM "auth"."sessions" WHERE id = ${token.sessionId}::uuid FOR UPDATE`;
  const session = await tx.session.findUniqueOrThrow({
    where: { id: token.sessionId },
    include: { user: true },
  });
  const current = await tx.refreshToken.findUniqueOrThrow({ where: { id: token.id } });
  const now = new Date();
  const decision = decideRefresh(
    current,
    {
      revokedAt: session.revokedAt,
      expiresAt: session.expiresAt,
      userDisabled: session.user.disabledAt !== null,
    },
    now,
    ctx.settings.refreshReuseGraceMs,
  );
  switch (decision.action) {
    case 'reject':
      return { kind: 'rejected' };
    case 'revoke-family': {
      // The revocation commits with its audit entry and the user's alert (refreshSession).
      const revoked = await revokeSessionRows(
        tx,
        session.userId,
        'refresh-token-reuse',
        { only: session.id },
        now,
      );
      return { kind: 'reuse', userId: session.userId, sessionId: session.id, revoked };
    }
    case 'rotate-within-grace':
      // Retire the sibling minted by the first use, so only the newest child lives.
      await tx.refreshToken.updateMany({
        where: { parentId: current.id, revokedAt: null },
        data: { revokedAt: now },
      });
      break;
    case 'rotate':
      await tx.refreshToken.update({ where: { id: current.id }, data: { usedAt: now } });
      break;
  }
  const refreshToken = newRefreshToken();
  const refreshExpiresAt = refreshExpiry(ctx, session.expiresAt);
  await tx.refreshToken.create({
    data: {
      sessionId: session.id,
      tokenHash: sha256Hex(refreshToken),
      parentId: current.id,
      expiresAt: refreshExpiresAt,
    },
  });
  await tx.session.update({ where: { id: session.id }, data: { lastSeenAt: now } });
  return {
    kind: 'rotated',
    user: session.user,
    sessionId: session.id,
    sessionExpiresAt: session.expiresAt,
    refreshToken,
    refreshExpiresAt,
  };
}

export async function refreshSession(
  ctx: AuthContext,
  presented: string,
  client: ClientInfo,
): Promise<TokenPair> {
  const outcome = await ctx.audit.commit(
    client,
    (tx) => rotateInTx(tx, ctx, presented),
    (o) =>
      o.kind === 'reuse'
        ? {
            audit: {
              event: 'refresh.reuse_detected',
              outcome: 'failure',
              userId: o.userId,
              details: { sessionId: o.sessionId },
            },
            event: {
              type: 'refresh.reuse_detected',
              userId: o.userId,
              data: { sessionId: o.sessionId, ip: client.ip },
            },
          }
        : undefined,
    {
      timeout: 10_000,
      afterCommit: (o) => (o.kind === 'reuse' ? tombstoneSessions(ctx, o.revoked) : Promise.resolve()),
    },
  );
  if (outcome.kind === 'rejected') throw problems.unauthorized('invalid refresh token');
  if (outcome.kind === 'reuse') {
    throw problems.unauthorized('invalid refresh token');
  }
  await ctx.liveness.markActive(outcome.sessionId, outcome.user.id, outcome.sessionExpiresAt);
  return tokenPair(ctx, outcome.user, outcome.sessionId, outcome.refreshToken, outcome.refreshExpiresAt);
}

/**
 * Revokes the user's sessions matching `filter` (all, all but `keep`, only `only`) after
 * `before` (the change that causes it), with the audit record `describe` makes of the revoked
 * ids, in one transaction; then writes their tombstones. Resolves the revoked ids and what
 * `before` resolved.
 */
export async function revokeSessions<Changed = void>(
  ctx: Pick<AuthContext, 'audit' | 'db' | 'liveness' | 'logger'>,
  client: ClientInfo,
  revocation: {
    userId: string;
    reason: string;
    filter?: SessionFilter;
    before?: (tx: Tx) => Promise<Changed>;
    describe: (revoked: string[]) => AuditRecord | undefined;
    /** Further cache writes after the commit (alongside the tombstones) for what `before` changed. */
    afterCommit?: (changed: Changed) => Promise<void>;
  },
): Promise<{ revoked: string[]; changed: Changed }> {
  return ctx.audit.commit(
    client,
    async (tx) => {
      const changed = (await revocation.before?.(tx)) as Changed;
      const revoked = await revokeSessionRows(
        tx,
        revocation.userId,
        revocation.reason,
        revocation.filter ?? {},
        new Date(),
      );
      return { revoked, changed };
    },
    ({ revoked }) => revocation.describe(revoked),
    {
      afterCommit: async ({ revoked, changed }) => {
        await Promise.all([tombstoneSessions(ctx, revoked), revocation.afterCommit?.(changed)]);
      },
    },
  );
}

/** The user id of an active session (for the live-session lookup), refilling the cache. */
export async function lookupActiveSession(ctx: AuthContext, sessionId: string): Promise<string | undefined> {
  const session = await ctx.db.session.findUnique({
    where: { id: sessionId },
    include: { user: { select: { disabledAt: true } } },
  });
  if (!session || session.revokedAt || session.expiresAt <= new Date() || session.user.disabledAt)
    return undefined;
  await ctx.liveness.refill(session.id, session.userId, session.expiresAt);
  return session.userId;
}

export async function listSessions(ctx: AuthContext, userId: string, currentSessionId: string) {
  const sessions = await ctx.db.session.findMany({
    where: { userId, revokedAt: null, expiresAt: { gt: new Date() } },
    orderBy: { lastSeenAt: 'desc' },
    take: 100,
  });
  return sessions.map((s) => ({
    id: s.id,
    userAgent: s.userAgent,
    ip: s.ip,
    createdAt: s.createdAt.toISOString(),
    lastSeenAt: s.lastSeenAt.toISOString(),
    current: s.id === currentSessionId,
  }));
}

// Session revocations in the database (the source of truth) and the bookkeeping of their
// tombstones in the shared cache (migration 20261122230000): a revocation is written in the
// transaction of the change that causes it; `revocation_cached_at` is set once its tombstone is
// in the cache, so revocations without one can be found and repaired.
import type { AuthDb, Tx } from './db.js';

/** Which of a user's live sessions to revoke: all, all but `keep`, or only `only`. */
export interface SessionFilter {
  keep?: string;
  only?: string;
}

/** Revokes the user's live sessions matching `filter` and their refresh tokens; returns their ids. */
export async function revokeSessionRows(
  tx: Tx,
  userId: string,
  reason: string,
  filter: SessionFilter,
  now: Date,
): Promise<string[]> {
  const sessions = await tx.session.findMany({
    where: {
      userId,
      revokedAt: null,
      ...(filter.only ? { id: filter.only } : {}),
      ...(filter.keep ? { NOT: { id: filter.keep } } : {}),
    },
    select: { id: true },
  });
  const ids = sessions.map((s) => s.id);
  if (ids.length === 0) return ids;
  await tx.session.updateMany({
    where: { id: { in: ids } },
    data: { revokedAt: now, revokedReason: reason },
  });
  await tx.refreshToken.updateMany({
    where: { sessionId: { in: ids }, revokedAt: null },
    data: { revokedAt: now },
  });
  return ids;
}

/** Records that the tombstones of these revoked sessions are in the cache. */
export async function markRevocationsCached(
  db: AuthDb | Tx,
  ids: readonly string[],
  now: Date,
): Promise<void> {
  if (ids.length === 0) return;
  await db.session.updateMany({
    where: { id: { in: [...ids] }, revocationCachedAt: null },
    data: { revocationCachedAt: now },
  });
}

/** Claims up to `limit` revoked sessions whose tombstone is not known to be in the cache. */
export async function claimUncachedRevocations(tx: Tx, limit: number): Promise<string[]> {
  const rows = await tx.$queryRaw<Array<{ id: string }>>`
    SELECT id::text AS id
      FROM "auth"."sessions"
     WHERE revoked_at IS NOT NULL AND revocation_cached_at IS NULL
     ORDER BY revoked_at
     LIMIT ${limit}
     FOR UPDATE SKIP LOCKED`;
  return rows.map((r) => r.id);
}

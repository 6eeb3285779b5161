// Which personal API keys' cached resolutions may be wrong (migration 20261122233000): a change
// that revokes a key, changes its owner's roles or disables its owner sets `cache_stale_at` in
// its own transaction; the mark is cleared once the key's cache entry has been rewritten, so
// entries that never were can be found and repaired.
import type { AuthDb, Tx } from './db.js';

/** A key whose cache entry must be rewritten: a tombstone when revoked, otherwise removed. */
export interface StaleApiKey {
  id: string;
  keyHash: string;
  revoked: boolean;
}

/** Revokes one live key of `userId` and marks its cache entry stale; undefined when there is none. */
export async function revokeApiKeyRow(
  tx: Tx,
  userId: string,
  keyId: string,
  now: Date,
): Promise<StaleApiKey | undefined> {
  const [key] = await tx.apiKey.updateManyAndReturn({
    where: { id: keyId, userId, revokedAt: null },
    data: { revokedAt: now, cacheStaleAt: now },
    select: { id: true, keyHash: true },
  });
  return key ? { ...key, revoked: true } : undefined;
}

/** Marks the cache entries of the user's unrevoked keys stale (their roles or standing changed). */
export async function markUserApiKeysStale(tx: Tx, userId: string, now: Date): Promise<StaleApiKey[]> {
  const keys = await tx.apiKey.updateManyAndReturn({
    where: { userId, revokedAt: null },
    data: { cacheStaleAt: now },
    select: { id: true, keyHash: true },
  });
  return keys.map((key) => ({ ...key, revoked: false }));
}

/**
 * Clears the marks of `ids` that are still the ones set at `markedAt` (a later change's mark stays
 * for its own writer); without `markedAt`, every mark of rows the caller holds locked
 * (claimStaleApiKeys).
 */
export async function clearApiKeyStaleMarks(
  db: AuthDb | Tx,
  ids: readonly string[],
  markedAt?: Date,
): Promise<void> {
  if (ids.length === 0) return;
  await db.apiKey.updateMany({
    where: { id: { in: [...ids] }, ...(markedAt ? { cacheStaleAt: markedAt } : {}) },
    data: { cacheStaleAt: null },
  });
}

/** Claims up to `limit` marked keys, oldest mark first, skipping those another replica holds. */
export async function claimStaleApiKeys(tx: Tx, limit: number): Promise<StaleApiKey[]> {
  return tx.$queryRaw<StaleApiKey[]>`
    SELECT id::text AS id, key_hash AS "keyHash", revoked_at IS NOT NULL AS revoked
      FROM "auth"."api_keys"
     WHERE cache_stale_at IS NOT NULL
     ORDER BY cache_stale_at
     LIMIT ${limit}
     FOR UPDATE SKIP LOCKED`;
}

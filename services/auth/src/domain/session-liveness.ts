// Marks in the shared cache that every token verifier reads (runtime createSessionCheck):
// the user id while the session is active, a tombstone once it is revoked. The database stays
// the source of truth; a lookup that refills the cache never overwrites a tombstone.
import { activeSessionKey, type CacheBus } from '@elwosa/runtime';

const TOMBSTONE = 'revoked';
/** Tombstones outlive every access token that could name the session. */
const TOMBSTONE_TTL_MS = 24 * 3600_000;

function ttlUntil(expiresAt: Date): number {
  return Math.max(1000, expiresAt.getTime() - Date.now());
}

export class SessionLiveness {
  constructor(private readonly cache: CacheBus) {}

  markActive(sessionId: string, userId: string, expiresAt: Date): Promise<void> {
    return this.cache.set(activeSessionKey(sessionId), userId, { ttlMs: ttlUntil(expiresAt) });
  }

  /** Refill after a cache miss: loses against a concurrent revocation's tombstone. */
  async refill(sessionId: string, userId: string, expiresAt: Date): Promise<void> {
    await this.cache.setIfAbsent(activeSessionKey(sessionId), userId, ttlUntil(expiresAt));
  }

  async markRevoked(sessionIds: readonly string[]): Promise<void> {
    await Promise.all(
      sessionIds.map((id) => this.cache.set(activeSessionKey(id), TOMBSTONE, { ttlMs: TOMBSTONE_TTL_MS })),
    );
  }
}

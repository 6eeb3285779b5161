// Personal API keys reach every verifier (the gateway and each service) through the shared cache:
// a resolution (owner and roles) cached for up to five minutes, or a tombstone for a revoked key
// (runtime identity/api-key.ts). A change that makes a cached resolution wrong — revoking the key,
// changing its owner's roles, disabling its owner — marks the key in its own transaction
// (store/api-key-cache-marks.ts); after the commit the entry is rewritten (`settleApiKeyCache`)
// and the mark cleared. An entry that was never rewritten — the process died after the commit,
// or Redis failed at that moment — is rewritten by the repair (`repairStaleApiKeyCaches`, part
// of the relay job), so a revoked key or a disabled owner can be late but never missed.
import { API_KEY_TOMBSTONE, apiKeyCacheKey, type CacheBus, drainBatches, type Logger } from '@elwosa/runtime';
import { claimStaleApiKeys, clearApiKeyStaleMarks, type StaleApiKey } from '../store/api-key-cache-marks.js';
import type { AuthDb } from '../store/db.js';

/** How long a revoked key's tombstone outlives the longest cached resolution by far. */
export const API_KEY_TOMBSTONE_TTL_MS = 7 * 24 * 3600_000;

/** Keys whose cache entries the repair rewrites per transaction. */
export const API_KEY_REPAIR_BATCH_SIZE = 500;

export interface ApiKeyCacheDeps {
  db: AuthDb;
  cache: CacheBus;
  logger: Logger;
}

/** A tombstone for each revoked key; every other key's resolution is dropped, to be looked up again. */
async function rewriteEntries(cache: CacheBus, keys: readonly StaleApiKey[]): Promise<void> {
  await Promise.all(
    keys.map((key) =>
      key.revoked
        ? cache.set(apiKeyCacheKey(key.keyHash), API_KEY_TOMBSTONE, { ttlMs: API_KEY_TOMBSTONE_TTL_MS })
        : cache.del(apiKeyCacheKey(key.keyHash)),
    ),
  );
}

/**
 * After the commit of a change that marked `keys` at `markedAt`: rewrites their cache entries
 * and clears the marks. Throws when the cache cannot be written (the marks stay for the repair).
 */
export async function settleApiKeyCache(
  deps: ApiKeyCacheDeps,
  keys: readonly StaleApiKey[],
  markedAt: Date,
): Promise<void> {
  if (keys.length === 0) return;
  await rewriteEntries(deps.cache, keys);
  // Bookkeeping only: if it fails, the repair rewrites the same entries once more.
  await clearApiKeyStaleMarks(
    deps.db,
    keys.map((key) => key.id),
    markedAt,
  ).catch((err: unknown) =>
    deps.logger.warn({ err: String(err) }, 'API key cache: clearing the stale marks failed'),
  );
}

/** Rewrites the cache entry of every marked key; resolves how many were rewritten. */
export async function repairStaleApiKeyCaches(
  deps: Pick<ApiKeyCacheDeps, 'db' | 'cache'>,
  stopped: () => boolean = () => false,
  batchSize = API_KEY_REPAIR_BATCH_SIZE,
): Promise<number> {
  return drainBatches(
    () =>
      deps.db.$transaction(async (tx) => {
        const keys = await claimStaleApiKeys(tx, batchSize);
        if (keys.length === 0) return 0;
        await rewriteEntries(deps.cache, keys);
        // The claimed rows are locked: no change can mark them again before this commits.
        await clearApiKeyStaleMarks(
          tx,
          keys.map((key) => key.id),
        );
        return keys.length;
      }),
    batchSize,
    stopped,
  );
}

// Revoked sessions reach every token verifier (the gateway and each service) through a tombstone
// in the shared cache. The revocation itself commits with the change that causes it (logout,
// password change, role change, disabling, refresh-token reuse; store/session-revocations.ts);
// the tombstone is written after the commit and recorded as written. A tombstone that was never
// written — the process died after the commit, or Redis failed at that moment — is written by
// the repair (`tombstoneUncachedRevocations`, part of the relay job), so a revocation can be
// late but never lost. Until then a verifier that still finds the session's active mark accepts
// it: while Redis is down every verifier fails closed anyway, and the repair runs within one relay
// interval of Redis coming back (or of the dead process's commit).
import { drainBatches, type Logger } from '@elwosa/runtime';
import type { AuthDb } from '../store/db.js';
import { claimUncachedRevocations, markRevocationsCached } from '../store/session-revocations.js';
import type { SessionLiveness } from './session-liveness.js';

export interface RevocationDeps {
  db: AuthDb;
  liveness: SessionLiveness;
  logger: Logger;
}

/** Writes the tombstones of committed revocations; throws when the cache cannot be written. */
export async function tombstoneSessions(deps: RevocationDeps, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await deps.liveness.markRevoked(ids);
  // Bookkeeping only: if it fails, the repair writes the same tombstones once more.
  await markRevocationsCached(deps.db, ids, new Date()).catch((err: unknown) =>
    deps.logger.warn({ err: String(err) }, 'session revocations: recording the tombstones failed'),
  );
}

/** Revocations tombstoned per transaction by the repair. */
export const REVOCATION_REPAIR_BATCH_SIZE = 500;

/** Writes every missing tombstone of a committed revocation; resolves how many were written. */
export async function tombstoneUncachedRevocations(
  deps: Pick<RevocationDeps, 'db' | 'liveness'>,
  stopped: () => boolean = () => false,
  batchSize = REVOCATION_REPAIR_BATCH_SIZE,
): Promise<number> {
  return drainBatches(
    () =>
      deps.db.$transaction(async (tx) => {
        const ids = await claimUncachedRevocations(tx, batchSize);
        if (ids.length === 0) return 0;
        await deps.liveness.markRevoked(ids);
        await markRevocationsCached(tx, ids, new Date());
        return ids.length;
      }),
    batchSize,
    stopped,
  );
}

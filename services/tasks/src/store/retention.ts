// Purges what the tasks service keeps only for a while: tombstones past their retention, and
// expired idempotency keys. Each statement deletes at most `batchSize` rows (SKIP LOCKED, so a
// large backlog never holds long locks and concurrent runs never wait on each other). Purging a
// tombstone records its owner's highest purged change sequence in the same statement: the
// changes feed compares a client's cursor with it.
import type { TasksDb } from './db.js';

/** Deletes up to `batchSize` tombstones deleted before `before`; returns how many. */
export async function purgeTombstones(db: TasksDb, before: Date, batchSize: number): Promise<number> {
  const [row] = await db.$queryRaw<Array<{ purged: bigint }>>`
    WITH doomed AS (
      SELECT id FROM "tasks"."tasks"
       WHERE deleted_at < ${before}
       ORDER BY deleted_at
       LIMIT ${batchSize}
       FOR UPDATE SKIP LOCKED
    ), purged AS (
      DELETE FROM "tasks"."tasks" t USING doomed WHERE t.id = doomed.id
      RETURNING t.owner_id, t.change_seq
    ), horizons AS (
      INSERT INTO "tasks"."change_horizons" (owner_id, purged_seq)
      SELECT owner_id, max(change_seq) FROM purged GROUP BY owner_id
      ON CONFLICT (owner_id) DO UPDATE
        SET purged_seq = GREATEST("tasks"."change_horizons".purged_seq, EXCLUDED.purged_seq)
    )
    SELECT count(*) AS purged FROM purged`;
  return Number(row?.purged ?? 0);
}

/** Deletes up to `batchSize` idempotency keys created before `before`; returns how many. */
export function purgeIdempotencyKeys(db: TasksDb, before: Date, batchSize: number): Promise<number> {
  return db.$executeRaw`
    DELETE FROM "tasks"."idempotency_keys" k
     USING (
       SELECT owner_id, key FROM "tasks"."idempotency_keys"
        WHERE created_at < ${before}
        LIMIT ${batchSize}
        FOR UPDATE SKIP LOCKED
     ) doomed
     WHERE k.owner_id = doomed.owner_id AND k.key = doomed.key`;
}

/** The owner's highest purged change sequence (0 when nothing of theirs was purged). */
export async function purgedThrough(db: TasksDb, ownerId: string): Promise<bigint> {
  const row = await db.changeHorizon.findUnique({ where: { ownerId } });
  return row?.purgedSeq ?? 0n;
}

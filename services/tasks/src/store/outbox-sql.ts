// The event outbox's record of a change, as SQL (pure): the statements that change tasks end in
// it, so the record commits with the change or not at all (event-outbox.ts has the rest).
import { outboxDueAt } from '@elwosa/runtime';
import { Prisma } from '../generated/prisma/client.js';

/**
 * Records the changes of `rows` (a CTE or subquery with the columns `id`, `ownerId` and
 * `version` of the written tasks) as of `now`, due after the runtime's outbox grace period; a
 * task's earlier record is replaced.
 */
export function recordInOutbox(rows: Prisma.Sql, now: Date): Prisma.Sql {
  const due = outboxDueAt(now);
  return Prisma.sql`INSERT INTO "tasks"."deferred_events" (task_id, owner_id, version, recorded_at, due_at)
    SELECT r.id, r."ownerId", r.version, ${now.toISOString()}::timestamptz, ${due.toISOString()}::timestamptz
      FROM ${rows} r
    ON CONFLICT (task_id) DO UPDATE SET
      version = EXCLUDED.version, recorded_at = EXCLUDED.recorded_at, due_at = EXCLUDED.due_at`;
}

/** The statement `write` (one task written, RETURNING the task columns) with its outbox record. */
export function withOutboxRecord(write: Prisma.Sql, now: Date): Prisma.Sql {
  return Prisma.sql`WITH written AS (${write}), recorded AS (${recordInOutbox(Prisma.raw('written'), now)})
    SELECT * FROM written`;
}

/** A published change: its task and the version its events announced. */
export interface OutboxKey {
  taskId: string;
  version: number;
}

/** Removes the records of published changes; a record of a later version stays. */
export function removePublishedSql(keys: readonly OutboxKey[]): Prisma.Sql {
  return Prisma.sql`DELETE FROM "tasks"."deferred_events" o
    USING unnest(${keys.map((k) => k.taskId)}::uuid[], ${keys.map((k) => k.version)}::int[]) AS p(task_id, version)
    WHERE o.task_id = p.task_id AND o.version = p.version`;
}

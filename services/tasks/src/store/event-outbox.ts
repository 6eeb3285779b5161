// The event outbox (table `deferred_events`, migration 20261122200000): one record per task whose latest change's events
// are not known to be published. The single-task statements record their change themselves
// (outbox-sql.ts); a bulk change records its tasks in its transaction. After the publish the
// record is removed, naming the version it announced, so a later change's record stays.
//
// Lock order: a change locks the task row, then its record. The repair does the same (the tasks
// FOR SHARE, then the records FOR UPDATE SKIP LOCKED), so the two never wait on each other in a
// cycle; while the repair holds a task, a write to it waits, and its own events follow.
import { Prisma } from '../generated/prisma/client.js';
import type { TaskRow, TasksDb, Tx } from './db.js';
import { type OutboxKey, recordInOutbox, removePublishedSql } from './outbox-sql.js';

export type { OutboxKey };

import { TASK_COLUMNS } from './task-sql.js';

/** Records the owner's tasks as changed now, at their current version (in the changing transaction). */
export async function recordChanges(tx: Tx, ownerId: string, taskIds: readonly string[], now: Date) {
  await tx.$executeRaw(
    recordInOutbox(
      Prisma.sql`(SELECT t.id, t.owner_id AS "ownerId", t.version FROM "tasks"."tasks" t
        WHERE t.id = ANY(${[...taskIds]}::uuid[]) AND t.owner_id = ${ownerId}::uuid)`,
      now,
    ),
  );
}

/** Makes the tasks' records due at `now`: their publish failed, the repair need not wait. */
export async function makeDue(db: TasksDb, taskIds: readonly string[], now: Date): Promise<void> {
  await db.$executeRaw`
    UPDATE "tasks"."deferred_events" SET due_at = ${now}
     WHERE task_id = ANY(${[...taskIds]}::uuid[]) AND due_at > ${now}`;
}

/** Removes the records of published changes; a record of a later version stays. */
export function removePublished(db: TasksDb, keys: readonly OutboxKey[]): Promise<number> {
  return db.$executeRaw(removePublishedSql(keys));
}

export interface ClaimedTask {
  taskId: string;
  ownerId: string;
  /** The task as it is now (a tombstone when deleted); null when it was purged meanwhile. */
  row: TaskRow | null;
}

export interface Claim {
  /** Records that were due when the claim started (some may have been skipped). */
  due: number;
  claimed: ClaimedTask[];
}

/** Claims up to `batchSize` records due at `now`, oldest first, with their tasks' current rows. */
export async function claimDue(tx: Tx, now: Date, batchSize: number): Promise<Claim> {
  const due = await tx.$queryRaw<Array<{ taskId: string }>>`
    SELECT task_id AS "taskId" FROM "tasks"."deferred_events"
     WHERE due_at <= ${now} ORDER BY due_at LIMIT ${batchSize}`;
  if (due.length === 0) return { due: 0, claimed: [] };
  const ids = due.map((d) => d.taskId);
  const rows = await tx.$queryRaw<TaskRow[]>(
    Prisma.sql`SELECT ${TASK_COLUMNS} FROM "tasks"."tasks" t WHERE t.id = ANY(${ids}::uuid[]) FOR SHARE`,
  );
  // Re-read under the tasks' locks: a change since the first read made its record due later.
  const claimed = await tx.$queryRaw<Array<{ taskId: string; ownerId: string }>>`
    SELECT task_id AS "taskId", owner_id AS "ownerId" FROM "tasks"."deferred_events"
     WHERE task_id = ANY(${ids}::uuid[]) AND due_at <= ${now}
     FOR UPDATE SKIP LOCKED`;
  const byId = new Map(rows.map((row) => [row.id, row]));
  return { due: due.length, claimed: claimed.map((c) => ({ ...c, row: byId.get(c.taskId) ?? null })) };
}

export async function removeClaimed(tx: Tx, taskIds: readonly string[]): Promise<void> {
  await tx.$executeRaw`
    DELETE FROM "tasks"."deferred_events" WHERE task_id = ANY(${[...taskIds]}::uuid[])`;
}

// Task changes whose events could not be published right after their commit. Recording one is a
// single upsert; the repair claims a batch (SKIP LOCKED, so replicas never wait on each other)
// together with the tasks' current rows, locked FOR SHARE until its transaction ends: a write to
// one of those tasks waits, so its own events always follow the repair's.

import { Prisma } from '../generated/prisma/client.js';
import type { TaskRow, TasksDb } from './db.js';
import { TASK_COLUMNS } from './task-sql.js';

type Tx = Parameters<Parameters<TasksDb['$transaction']>[0]>[0];

/** Records the tasks' latest changes as unannounced (refreshing an existing record). */
export async function recordDeferred(
  db: TasksDb,
  ownerId: string,
  taskIds: readonly string[],
  now: Date,
): Promise<void> {
  await db.$executeRaw`
    INSERT INTO "tasks"."deferred_events" (task_id, owner_id, recorded_at)
    SELECT id, ${ownerId}::uuid, ${now} FROM unnest(${[...taskIds]}::uuid[]) AS id
    ON CONFLICT (task_id) DO UPDATE SET recorded_at = EXCLUDED.recorded_at`;
}

export interface ClaimedTask {
  taskId: string;
  ownerId: string;
  /** The task as it is now (a tombstone when deleted); null when it was purged meanwhile. */
  row: TaskRow | null;
}

/** Claims up to `batchSize` recorded tasks, oldest record first, with their current rows. */
export async function claimDeferred(tx: Tx, batchSize: number): Promise<ClaimedTask[]> {
  const claimed = await tx.$queryRaw<Array<{ taskId: string; ownerId: string }>>`
    SELECT task_id AS "taskId", owner_id AS "ownerId" FROM "tasks"."deferred_events"
     ORDER BY recorded_at
     LIMIT ${batchSize}
     FOR UPDATE SKIP LOCKED`;
  if (claimed.length === 0) return [];
  const rows = await tx.$queryRaw<TaskRow[]>(
    Prisma.sql`SELECT ${TASK_COLUMNS} FROM "tasks"."tasks" t
      WHERE t.id = ANY(${claimed.map((c) => c.taskId)}::uuid[]) FOR SHARE`,
  );
  const byId = new Map(rows.map((row) => [row.id, row]));
  return claimed.map((c) => ({ ...c, row: byId.get(c.taskId) ?? null }));
}

export async function removeDeferred(tx: Tx, taskIds: readonly string[]): Promise<void> {
  await tx.$executeRaw`
    DELETE FROM "tasks"."deferred_events" WHERE task_id = ANY(${[...taskIds]}::uuid[])`;
}

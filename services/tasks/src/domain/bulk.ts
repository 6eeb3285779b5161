// Bulk complete and bulk delete: all or nothing. One id that is not a live task of the caller
// makes the whole request 404 with nothing changed.
import { problems } from '@elwosa/runtime';
import type { DeletionDto, TaskDto } from '../api.js';
import type { Prisma } from '../generated/prisma/client.js';
import { type TaskRow, toDeletionDto, toTaskDto } from '../store/db.js';
import { type BulkResult, bulkUpdate, ConcurrentChangeError } from '../store/task-store.js';
import type { TasksContext } from './context.js';
import { announceCommitted } from './events.js';

const MAX_ATTEMPTS = 3;

async function runBulk(
  ctx: TasksContext,
  ownerId: string,
  ids: readonly string[],
  pick: (rows: TaskRow[]) => string[],
  data: Prisma.TaskUpdateManyMutationInput,
  now: Date,
): Promise<BulkResult> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    try {
      const result = await bulkUpdate(ctx.db, ownerId, ids, pick, data, now);
      if (!result) throw problems.notFound('one or more tasks do not exist');
      return result;
    } catch (err) {
      if (!(err instanceof ConcurrentChangeError)) throw err;
    }
  }
  throw problems.conflict('the tasks keep changing; retry');
}

/** Marks the tasks done; tasks already done are left as they are (completedAt kept). */
export async function completeTasks(
  ctx: TasksContext,
  ownerId: string,
  ids: readonly string[],
): Promise<TaskDto[]> {
  const now = ctx.now();
  const { rows, changed } = await runBulk(
    ctx,
    ownerId,
    ids,
    (found) => found.filter((r) => r.status !== 'done').map((r) => r.id),
    { status: 'done', completedAt: now },
    now,
  );
  const byId = new Map(rows.map((r) => [r.id, toTaskDto(r)]));
  await announceCommitted(
    ctx,
    ownerId,
    changed.map((row) => ({
      event: { type: 'task.updated', data: byId.get(row.id)! },
      version: row.version,
    })),
  );
  return ids.map((id) => byId.get(id)!);
}

export async function deleteTasks(
  ctx: TasksContext,
  ownerId: string,
  ids: readonly string[],
): Promise<DeletionDto[]> {
  const now = ctx.now();
  const { changed } = await runBulk(
    ctx,
    ownerId,
    ids,
    (found) => found.map((r) => r.id),
    { deletedAt: now },
    now,
  );
  await announceCommitted(
    ctx,
    ownerId,
    changed.map((row) => ({
      event: { type: 'task.deleted', data: toDeletionDto(row) },
      version: row.version,
    })),
  );
  return changed.map(toDeletionDto);
}

// The repair of deferred events (events.ts): publishes the current state of each recorded task —
// `task.deleted` for a tombstone, otherwise `task.updated` with the task as it is now (consumers
// take the newest version; a missed `task.created` arrives as that update) — and removes the
// records, batch after batch. A batch whose publish fails stays recorded for the next run.
import { type TaskRow, toDeletionDto, toTaskDto } from '../store/db.js';
import { claimDeferred, removeDeferred } from '../store/deferred-events.js';
import type { TasksContext } from './context.js';
import { announce, type TaskEvent } from './events.js';

/** Records claimed per transaction. */
export const REPAIR_BATCH_SIZE = 100;

export function currentEventOf(row: TaskRow): TaskEvent {
  return row.deletedAt
    ? { type: 'task.deleted', data: toDeletionDto(row) }
    : { type: 'task.updated', data: toTaskDto(row) };
}

/** Publishes every deferred task's current state; resolves how many tasks were published. */
export async function republishDeferred(
  ctx: TasksContext,
  stopped: () => boolean = () => false,
  batchSize = REPAIR_BATCH_SIZE,
): Promise<number> {
  let total = 0;
  for (;;) {
    const batch = await ctx.db.$transaction(async (tx) => {
      const claimed = await claimDeferred(tx, batchSize);
      const present = claimed.flatMap(({ ownerId, row }) => (row ? [{ ownerId, row }] : []));
      await Promise.all(present.map(({ ownerId, row }) => announce(ctx.cache, ownerId, currentEventOf(row))));
      if (claimed.length > 0)
        await removeDeferred(
          tx,
          claimed.map((c) => c.taskId),
        );
      return { claimed: claimed.length, published: present.length };
    });
    total += batch.published;
    if (batch.claimed < batchSize || stopped()) return total;
  }
}

// The repair of the event outbox (store/event-outbox.ts): for each record that is due — its
// publish failed, or the process that made the change died before publishing — it publishes the
// task's current state (`task.deleted` for a tombstone, otherwise `task.updated` with the task as
// it is now: consumers take the newest version, and a missed `task.created` arrives as that
// update) and removes the record, batch after batch. A batch whose publish fails stays recorded
// for the next run.
import { type TaskRow, toDeletionDto, toTaskDto } from '../store/db.js';
import { claimDue, removeClaimed } from '../store/event-outbox.js';
import type { TasksContext } from './context.js';
import { announce, type TaskEvent } from './events.js';

/** Records claimed per transaction. */
export const REPAIR_BATCH_SIZE = 100;

export function currentEventOf(row: TaskRow): TaskEvent {
  return row.deletedAt
    ? { type: 'task.deleted', data: toDeletionDto(row) }
    : { type: 'task.updated', data: toTaskDto(row) };
}

/** Publishes the current state of every task whose record is due; resolves how many were published. */
export async function republishDue(
  ctx: TasksContext,
  stopped: () => boolean = () => false,
  batchSize = REPAIR_BATCH_SIZE,
): Promise<number> {
  let total = 0;
  for (;;) {
    const batch = await ctx.db.$transaction(async (tx) => {
      const { due, claimed } = await claimDue(tx, ctx.now(), batchSize);
      const present = claimed.flatMap(({ ownerId, row }) => (row ? [{ ownerId, row }] : []));
      await Promise.all(present.map(({ ownerId, row }) => announce(ctx.cache, ownerId, currentEventOf(row))));
      if (claimed.length > 0)
        await removeClaimed(
          tx,
          claimed.map((c) => c.taskId),
        );
      return { due, claimed: claimed.length, published: present.length };
    });
    total += batch.published;
    // A short batch was the last; one whose records were all taken by another run ends it too.
    if (batch.due < batchSize || batch.claimed === 0 || stopped()) return total;
  }
}

// Every task change is announced twice (contract with the notifications and gateway sides):
// on the durable stream `events:tasks` and to the owner's live connections. `data` is the task
// exactly as GET /api/tasks/:id returns it, or `{ id, deletedAt }` for a deletion.
//
// Events go out after the commit, and the change was recorded in the event outbox by the same
// statement (store/event-outbox.ts). Once they are published the record is removed (batched,
// outbox-acks.ts). When the cache is unavailable at that moment the change still stands: its
// record is made due, the repair (event-repair.ts) publishes the task's current state once the
// cache is back, and the request is answered as done — answering 503 for a committed change
// would have a client without an Idempotency-Key create it twice. A process that dies before
// publishing leaves its record too; the repair publishes it after the grace period.
import { type CacheBus, CacheUnavailableError, emitDomainEvent, publishUserEvent } from '@elwosa/runtime';
import type { DeletionDto, TaskDto } from '../api.js';
import { makeDue } from '../store/event-outbox.js';
import type { TasksContext } from './context.js';

export const TASK_EVENTS_FAMILY = 'tasks';

export type TaskEvent =
  | { type: 'task.created' | 'task.updated'; data: TaskDto }
  | { type: 'task.deleted'; data: DeletionDto };

/** A committed change's event, with the task version the change wrote (its outbox record's). */
export interface CommittedChange {
  event: TaskEvent;
  version: number;
}

/** Both announcements go out together (one round trip less to Redis than one after the other). */
export async function announce(cache: CacheBus, ownerId: string, event: TaskEvent): Promise<void> {
  await Promise.all([
    emitDomainEvent(cache, TASK_EVENTS_FAMILY, { type: event.type, userId: ownerId, data: event.data }),
    publishUserEvent(cache, ownerId, event.type, event.data),
  ]);
}

/**
 * Announces the events of a committed change of one owner (commands leave in order on the one
 * connection) and lets their outbox records go; with the cache unavailable, makes the records
 * due instead. Throws only on a failure other than the cache being unavailable (the records
 * stay for the repair then too).
 */
export async function announceCommitted(
  ctx: TasksContext,
  ownerId: string,
  changes: readonly CommittedChange[],
): Promise<void> {
  try {
    await Promise.all(changes.map((c) => announce(ctx.cache, ownerId, c.event)));
  } catch (err) {
    if (!(err instanceof CacheUnavailableError)) throw err;
    const taskIds = [...new Set(changes.map((c) => c.event.data.id))];
    // Best effort: the records are there either way, and become due after the grace period.
    await makeDue(ctx.db, taskIds, ctx.now()).catch((dbErr: unknown) =>
      ctx.logger.warn({ err: dbErr }, 'event outbox: making records due failed'),
    );
    ctx.logger.warn({ err, ownerId, taskIds }, 'cache unavailable: task events deferred');
    ctx.onEventsDeferred?.(taskIds.length);
    return;
  }
  ctx.outbox.acknowledge(changes.map((c) => ({ taskId: c.event.data.id, version: c.version })));
}

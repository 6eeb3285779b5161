// Every task change is announced twice (contract with the notifications and gateway sides):
// on the durable stream `events:tasks` and to the owner's live connections. `data` is the task
// exactly as GET /api/tasks/:id returns it, or `{ id, deletedAt }` for a deletion.
//
// Events go out after the commit. When the cache is unavailable at that moment the change still
// stands: the tasks are recorded as deferred (event-repair.ts publishes their current state once
// the cache is back) and the request is answered as done — answering 503 for a committed change
// would have a client without an Idempotency-Key create it twice.
import { type CacheBus, CacheUnavailableError, emitDomainEvent, publishUserEvent } from '@elwosa/runtime';
import type { DeletionDto, TaskDto } from '../api.js';
import { recordDeferred } from '../store/deferred-events.js';
import type { TasksContext } from './context.js';

export const TASK_EVENTS_FAMILY = 'tasks';

export type TaskEvent =
  | { type: 'task.created' | 'task.updated'; data: TaskDto }
  | { type: 'task.deleted'; data: DeletionDto };

/** Both announcements go out together (one round trip less to Redis than one after the other). */
export async function announce(cache: CacheBus, ownerId: string, event: TaskEvent): Promise<void> {
  await Promise.all([
    emitDomainEvent(cache, TASK_EVENTS_FAMILY, { type: event.type, userId: ownerId, data: event.data }),
    publishUserEvent(cache, ownerId, event.type, event.data),
  ]);
}

/**
 * Announces the events of a committed change of one owner (commands leave in order on the one
 * connection); with the cache unavailable, records the tasks as deferred instead. Throws only
 * when neither works.
 */
export async function announceCommitted(
  ctx: TasksContext,
  ownerId: string,
  events: readonly TaskEvent[],
): Promise<void> {
  try {
    await Promise.all(events.map((e) => announce(ctx.cache, ownerId, e)));
  } catch (err) {
    if (!(err instanceof CacheUnavailableError)) throw err;
    const taskIds = [...new Set(events.map((e) => e.data.id))];
    try {
      await recordDeferred(ctx.db, ownerId, taskIds, ctx.now());
    } catch {
      throw err;
    }
    ctx.logger.warn({ err, ownerId, taskIds }, 'cache unavailable: task events deferred');
    ctx.onEventsDeferred?.(taskIds.length);
  }
}

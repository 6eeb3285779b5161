// Every task change is announced twice (contract with the notifications and gateway sides):
// on the durable stream `events:tasks` and to the owner's live connections. `data` is the task
// exactly as GET /api/tasks/:id returns it, or `{ id, deletedAt }` for a deletion.
import { type CacheBus, emitDomainEvent, publishUserEvent } from '@elwosa/runtime';
import type { DeletionDto, TaskDto } from '../api.js';

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

/** Announces several events of one owner; commands are sent in order on the one connection. */
export async function announceAll(
  cache: CacheBus,
  ownerId: string,
  events: readonly TaskEvent[],
): Promise<void> {
  await Promise.all(events.map((e) => announce(cache, ownerId, e)));
}

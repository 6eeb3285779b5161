// Due-soon reminders (pure): which projected tasks are due soon, and how events of the `tasks`
// stream change the projection.
import { z } from 'zod';

export interface DueReminderState {
  taskId: string;
  userId: string;
  title: string;
  dueAt: Date;
  notifiedDueAt: Date | null;
}

/**
 * A task is due soon from `windowMs` before its due date until `windowMs` after it (a reminder
 * missed while the service was down still goes out shortly after the due date), once per due
 * date: a changed due date is reminded again.
 */
export function isDueSoon(reminder: DueReminderState, now: Date, windowMs: number): boolean {
  const due = reminder.dueAt.getTime();
  const t = now.getTime();
  const inWindow = t >= due - windowMs && t < due + windowMs;
  return inWindow && reminder.notifiedDueAt?.getTime() !== due;
}

/** The dueAt range that can hold due-soon tasks at `now` (for the database query). */
export function dueSoonRange(now: Date, windowMs: number): { from: Date; to: Date } {
  return { from: new Date(now.getTime() - windowMs), to: new Date(now.getTime() + windowMs) };
}

/** Idempotency key of a reminder: one per task and due date. */
export const reminderKey = (taskId: string, dueAt: Date): string =>
  `task.due_soon:${taskId}:${dueAt.toISOString()}`;

export interface ReminderContent {
  title: string;
  body: string;
  data: { taskId: string; dueAt: string };
}

export function reminderContent(reminder: DueReminderState, now: Date): ReminderContent {
  const overdue = reminder.dueAt.getTime() <= now.getTime();
  return {
    title: overdue ? `Task overdue: ${reminder.title}` : `Task due soon: ${reminder.title}`,
    body: `“${reminder.title}” is due ${overdue ? 'since' : 'at'} ${reminder.dueAt.toISOString()}.`,
    data: { taskId: reminder.taskId, dueAt: reminder.dueAt.toISOString() },
  };
}

// --- the projection ---------------------------------------------------------------------

/** The fields of the tasks service's task DTO this projection needs (others are ignored). */
const TaskData = z.object({
  id: z.uuid(),
  title: z.string(),
  status: z.string(),
  dueAt: z.iso.datetime({ offset: true }).nullable().optional(),
  ownerId: z.uuid().optional(),
  version: z.number().int().nonnegative().optional(),
});
const DeletedData = z.object({ id: z.uuid() });

const CLOSED_STATUSES = new Set(['done', 'cancelled']);

export type ProjectionChange =
  | {
      kind: 'upsert';
      taskId: string;
      userId: string;
      title: string;
      dueAt: Date;
      version: number;
    }
  | { kind: 'remove'; taskId: string; version: number | undefined }
  | { kind: 'ignore'; reason: string };

/** What a `tasks` event means for the projection: only open tasks with a due date are kept. */
export function projectTaskEvent(event: { type: string; userId: string; data: unknown }): ProjectionChange {
  if (event.type === 'task.deleted') {
    const parsed = DeletedData.safeParse(event.data);
    return parsed.success
      ? { kind: 'remove', taskId: parsed.data.id, version: undefined }
      : { kind: 'ignore', reason: 'malformed task.deleted' };
  }
  if (event.type !== 'task.created' && event.type !== 'task.updated') {
    return { kind: 'ignore', reason: `not a task change: ${event.type}` };
  }
  const parsed = TaskData.safeParse(event.data);
  if (!parsed.success) return { kind: 'ignore', reason: `malformed ${event.type}` };
  const task = parsed.data;
  const version = task.version ?? 0;
  if (!task.dueAt || CLOSED_STATUSES.has(task.status)) return { kind: 'remove', taskId: task.id, version };
  return {
    kind: 'upsert',
    taskId: task.id,
    userId: task.ownerId ?? event.userId,
    title: task.title,
    dueAt: new Date(task.dueAt),
    version,
  };
}

/** An event older than what the projection holds (redelivered or reordered) must not win. */
export const isStale = (incomingVersion: number | undefined, storedVersion: number | undefined): boolean =>
  incomingVersion !== undefined && storedVersion !== undefined && incomingVersion < storedVersion;

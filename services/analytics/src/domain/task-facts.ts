// What analytics keeps of a task (pure): when it was created and when it was first completed.
//
// Counting rule: a task counts as created on the UTC day of its `createdAt`, and as completed
// once, on the UTC day of the earliest completion analytics has seen (status `done`; the task's
// `completedAt`). Re-completing a reopened task does not count again; reopening does not take
// the completion back; deleting a task changes neither count (both happened). Merging keeps the
// earliest instants, so redelivered and reordered events give the same facts.
import { z } from 'zod';
import { type Day, dayOf } from './days.js';
import type { Parsed } from './parsed.js';

export const TASK_EVENT_TYPES = ['task.created', 'task.updated'] as const;

export interface TaskFact {
  taskId: string;
  userId: string;
  createdAt: Date;
  completedAt: Date | null;
}

/** Tasks created and completed on one day by one user. */
export interface TaskCounts {
  day: Day;
  userId: string;
  created: number;
  completed: number;
}

const instant = z.iso.datetime({ offset: true }).transform((v) => new Date(v));
const TaskData = z.object({
  id: z.uuid(),
  ownerId: z.uuid().optional(),
  status: z.string(),
  createdAt: instant,
  completedAt: instant.nullable().optional(),
});
const userIdSchema = z.uuid();

/** The fact a `task.created` / `task.updated` event states; other types are refused. */
export function parseTaskEvent(event: {
  type: string;
  userId: string;
  at: string;
  data: unknown;
}): Parsed<TaskFact> {
  if (!(TASK_EVENT_TYPES as readonly string[]).includes(event.type))
    return { ok: false, reason: `not counted: ${event.type}` };
  const data = TaskData.safeParse(event.data);
  if (!data.success) return { ok: false, reason: `invalid task: ${data.error.issues[0]?.path.join('.')}` };
  const userId = userIdSchema.safeParse(event.userId).success ? event.userId : data.data.ownerId;
  if (!userId) return { ok: false, reason: 'no owner' };
  const done = data.data.status === 'done';
  const eventAt = new Date(event.at);
  const completedAt = done
    ? (data.data.completedAt ?? (Number.isNaN(eventAt.getTime()) ? null : eventAt))
    : null;
  return { ok: true, value: { taskId: data.data.id, userId, createdAt: data.data.createdAt, completedAt } };
}

const earliest = (a: Date | null, b: Date | null): Date | null => {
  if (!a) return b;
  if (!b) return a;
  return a.getTime() <= b.getTime() ? a : b;
};

/** The days whose counts depend on a fact. */
export const factDays = (fact: TaskFact): Day[] =>
  fact.completedAt ? [dayOf(fact.createdAt), dayOf(fact.completedAt)] : [dayOf(fact.createdAt)];

export interface FactChange {
  next: TaskFact;
  /** Days whose counts may change: those of the stored and of the merged fact. */
  touchedDays: Day[];
}

/** Merges an incoming fact into the stored one; null when nothing changes. */
export function mergeTaskFact(stored: TaskFact | null, incoming: TaskFact): FactChange | null {
  const next: TaskFact = stored
    ? {
        taskId: stored.taskId,
        userId: stored.userId,
        createdAt: earliest(stored.createdAt, incoming.createdAt) ?? stored.createdAt,
        completedAt: earliest(stored.completedAt, incoming.completedAt),
      }
    : incoming;
  if (
    stored &&
    stored.createdAt.getTime() === next.createdAt.getTime() &&
    stored.completedAt?.getTime() === next.completedAt?.getTime()
  )
    return null;
  const days = new Set([...(stored ? factDays(stored) : []), ...factDays(next)]);
  return { next, touchedDays: [...days].sort() };
}

// The due-date projection of tasks (from the `tasks` stream) and the reminder bookkeeping.
import type { DueReminderState, ProjectionChange } from '../domain/due-soon.js';
import { isStale } from '../domain/due-soon.js';
import type { NotificationsDb } from './db.js';

export async function applyProjection(db: NotificationsDb, change: ProjectionChange): Promise<void> {
  if (change.kind === 'ignore') return;
  const stored = await db.dueReminder.findUnique({
    where: { taskId: change.taskId },
    select: { taskVersion: true },
  });
  if (isStale(change.version, stored?.taskVersion)) return;
  if (change.kind === 'remove') {
    await db.dueReminder.deleteMany({ where: { taskId: change.taskId } });
    return;
  }
  const fields = {
    userId: change.userId,
    title: change.title,
    dueAt: change.dueAt,
    taskVersion: change.version,
  };
  await db.dueReminder.upsert({
    where: { taskId: change.taskId },
    create: { taskId: change.taskId, ...fields },
    update: fields,
  });
}

/** Reminders with a due date in [from, to) not yet reminded for that due date, oldest due first. */
export function remindersDueBetween(
  db: NotificationsDb,
  range: { from: Date; to: Date },
  limit: number,
): Promise<DueReminderState[]> {
  return db.dueReminder.findMany({
    where: {
      dueAt: { gte: range.from, lt: range.to },
      OR: [
        { notifiedDueAt: null },
        { notifiedDueAt: { lt: db.dueReminder.fields.dueAt } },
        { notifiedDueAt: { gt: db.dueReminder.fields.dueAt } },
      ],
    },
    select: { taskId: true, userId: true, title: true, dueAt: true, notifiedDueAt: true },
    orderBy: { dueAt: 'asc' },
    take: limit,
  });
}

/** Records that the reminder for this due date went out (unless the due date changed meanwhile). */
export async function markReminded(db: NotificationsDb, taskId: string, dueAt: Date): Promise<void> {
  await db.dueReminder.updateMany({ where: { taskId, dueAt }, data: { notifiedDueAt: dueAt } });
}

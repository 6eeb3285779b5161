// One due-soon scan: every projected task due soon and not yet reminded for its due date gets
// a `task.due_soon` notification (idempotent per task and due date).
import type { NotificationsContext } from '../domain/context.js';
import { dueSoonRange, isDueSoon, reminderContent, reminderKey } from '../domain/due-soon.js';
import { notify } from '../domain/notify.js';
import { markReminded, remindersDueBetween } from '../store/due-reminders.js';

const SCAN_BATCH = 500;

/** Resolves how many reminders went out. */
export async function remindDueTasks(ctx: NotificationsContext, now: Date): Promise<number> {
  const window = ctx.settings.dueSoonWindowMs;
  const candidates = await remindersDueBetween(ctx.db, dueSoonRange(now, window), SCAN_BATCH);
  let sent = 0;
  for (const reminder of candidates.filter((r) => isDueSoon(r, now, window))) {
    await notify(ctx, {
      userId: reminder.userId,
      type: 'task.due_soon',
      ...reminderContent(reminder, now),
      dedupeKey: reminderKey(reminder.taskId, reminder.dueAt),
    });
    await markReminded(ctx.db, reminder.taskId, reminder.dueAt);
    sent++;
  }
  return sent;
}

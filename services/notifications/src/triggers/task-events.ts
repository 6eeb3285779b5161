// Keeps the due-date projection current from the durable `tasks` event stream.
import { consumeDomainEvents, type StreamConsumer } from '@elwosa/runtime';
import type { NotificationsContext } from '../domain/context.js';
import { projectTaskEvent } from '../domain/due-soon.js';
import { applyProjection } from '../store/due-reminders.js';

export const TASKS_FAMILY = 'tasks';
export const CONSUMER_GROUP = 'notifications';

export function consumeTaskEvents(ctx: NotificationsContext, consumer: string): Promise<StreamConsumer> {
  return consumeDomainEvents(ctx.cache, TASKS_FAMILY, CONSUMER_GROUP, consumer, async (event) => {
    const change = projectTaskEvent(event);
    if (change.kind === 'ignore') {
      ctx.logger.debug({ id: event.id, reason: change.reason }, 'task event ignored');
      return;
    }
    await applyProjection(ctx.db, change);
  });
}

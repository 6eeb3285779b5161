// `tasks` events (the tasks service) keep the task facts current: created and first completed.
import { consumeDomainEvents, type DomainEvent, type StreamConsumer } from '@elwosa/runtime';
import type { AnalyticsContext } from '../domain/context.js';
import { parseTaskEvent } from '../domain/task-facts.js';
import { recordTaskFact } from '../store/task-facts.js';
import { CONSUMER_GROUP } from './usage-events.js';

export const TASKS_FAMILY = 'tasks';

export async function ingestTaskEvent(ctx: AnalyticsContext, event: DomainEvent): Promise<void> {
  const parsed = parseTaskEvent(event);
  if (!parsed.ok) {
    ctx.metrics.events.inc({ family: TASKS_FAMILY, outcome: 'ignored' });
    ctx.logger.debug({ id: event.id, type: event.type, reason: parsed.reason }, 'task event not counted');
    return;
  }
  const changed = await recordTaskFact(ctx.db, parsed.value, ctx.now());
  ctx.metrics.events.inc({ family: TASKS_FAMILY, outcome: changed ? 'stored' : 'unchanged' });
}

export function consumeTaskEvents(ctx: AnalyticsContext, consumer: string): Promise<StreamConsumer> {
  return consumeDomainEvents(ctx.cache, TASKS_FAMILY, CONSUMER_GROUP, consumer, (event) =>
    ingestTaskEvent(ctx, event),
  );
}

// `ai.usage` events (ai-bridge, one per AI call) become usage records, once per requestId.
import { consumeDomainEvents, type DomainEvent, type StreamConsumer } from '@elwosa/runtime';
import type { AnalyticsContext } from '../domain/context.js';
import { parseUsageEvent } from '../domain/usage-event.js';
import { insertUsageRecord } from '../store/usage-records.js';

export const USAGE_FAMILY = 'ai.usage';
export const CONSUMER_GROUP = 'analytics';

export async function ingestUsageEvent(ctx: AnalyticsContext, event: DomainEvent): Promise<void> {
  const parsed = parseUsageEvent(event);
  if (!parsed.ok) {
    ctx.metrics.events.inc({ family: USAGE_FAMILY, outcome: 'ignored' });
    ctx.logger.warn({ id: event.id, reason: parsed.reason }, 'ai.usage event ignored');
    return;
  }
  const outcome = await insertUsageRecord(ctx.db, parsed.value);
  ctx.metrics.events.inc({ family: USAGE_FAMILY, outcome });
  if (outcome === 'expired')
    ctx.logger.warn({ id: event.id, day: parsed.value.day }, 'ai.usage event for a purged day dropped');
}

export function consumeUsageEvents(ctx: AnalyticsContext, consumer: string): Promise<StreamConsumer> {
  return consumeDomainEvents(ctx.cache, USAGE_FAMILY, CONSUMER_GROUP, consumer, (event) =>
    ingestUsageEvent(ctx, event),
  );
}

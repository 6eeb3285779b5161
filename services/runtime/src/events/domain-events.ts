// Durable domain events (ARCHITECTURE §4): one stream per family (`events:tasks`,
// `events:auth.security`, `events:ai.usage` …) with consumer groups, at-least-once.
import type { CacheBus, StreamConsumer } from '../cache/cache-bus.js';

export interface DomainEvent<T = unknown> {
  /** Stream id, set when read. */
  id?: string;
  /** `task.created`, `ai.usage` … */
  type: string;
  /** The user the event concerns (owner). */
  userId: string;
  at: string;
  data: T;
}

export const domainStream = (family: string): string => `events:${family}`;
const DEFAULT_MAX_LEN = 100_000;

export async function emitDomainEvent<T>(
  cache: CacheBus,
  family: string,
  event: Omit<DomainEvent<T>, 'id' | 'at'> & { at?: string },
): Promise<string> {
  return cache.append(
    domainStream(family),
    {
      type: event.type,
      userId: event.userId,
      at: event.at ?? new Date().toISOString(),
      data: JSON.stringify(event.data),
    },
    { maxLen: DEFAULT_MAX_LEN },
  );
}

export function parseDomainEvent(entry: { id: string; fields: Record<string, string> }): DomainEvent {
  const { type = '', userId = '', at = '', data = 'null' } = entry.fields;
  return { id: entry.id, type, userId, at, data: JSON.parse(data) as unknown };
}

/** Consumes a family in a consumer group; the handler runs at least once per event. */
export function consumeDomainEvents(
  cache: CacheBus,
  family: string,
  group: string,
  consumer: string,
  handler: (event: DomainEvent) => Promise<void> | void,
  options: { startFrom?: 'new' | 'beginning' } = {},
): Promise<StreamConsumer> {
  return cache.consume(domainStream(family), group, consumer, (entry) => handler(parseDomainEvent(entry)), {
    startFrom: options.startFrom ?? 'beginning',
  });
}

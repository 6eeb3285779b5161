// One subscription per gateway replica to the user-events channel (Redis pub/sub across
// replicas, the in-process bus in all-in-one mode): every event goes to the open connections of
// its user on this replica, through the hub. A failed first subscription (cache down at start)
// is retried in the background until it succeeds or the relay is stopped.
import { type CacheBus, type Unsubscribe, USER_EVENTS_CHANNEL, type UserEvent } from '@elwosa/runtime';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { ConnectionRegistry } from '../ws/hub.js';
import { isCursor } from './cursor.js';
import type { LiveMetrics } from './live-metrics.js';

const eventSchema = z.object({
  userId: z.string().min(1),
  seq: z.string().refine(isCursor, 'not a cursor'),
  type: z.string().min(1),
  data: z.unknown(),
});

/** A well-formed message for a user with no connection on this replica (not validated further). */
export const NOT_LISTENING = Symbol('not listening');

/**
 * The event in a channel message, NOT_LISTENING when its user has no connection here, or
 * undefined when the message is not an event. Every replica receives every user's events, so
 * only those with a listener of the user pay for the full validation.
 */
export function parseUserEvent(
  message: string,
  listening: (userId: string) => boolean = () => true,
): UserEvent | typeof NOT_LISTENING | undefined {
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    return undefined;
  }
  const userId =
    typeof json === 'object' && json !== null ? (json as { userId?: unknown }).userId : undefined;
  if (typeof userId !== 'string' || userId.length === 0) return undefined;
  if (!listening(userId)) return NOT_LISTENING;
  const parsed = eventSchema.safeParse(json);
  return parsed.success ? { ...parsed.data, data: parsed.data.data ?? null } : undefined;
}

export interface UserEventRelay {
  stop(): Promise<void>;
}

export interface RelayOptions {
  cache: CacheBus;
  hub: ConnectionRegistry;
  metrics: LiveMetrics;
  logger: Logger;
  retryMs?: number;
}

/** Resolves after the first subscription attempt (subscribed, or retrying in the background). */
export async function startUserEventRelay(options: RelayOptions): Promise<UserEventRelay> {
  const { cache, hub, metrics, logger } = options;
  let unsubscribe: Unsubscribe | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;

  const handle = (message: string) => {
    const event = parseUserEvent(message, (userId) => hub.listens(userId));
    if (!event) {
      logger.warn('malformed message on the user-events channel');
      return;
    }
    metrics.eventsReceived.inc();
    if (event !== NOT_LISTENING) hub.deliver(event);
  };

  const subscribe = async (): Promise<void> => {
    try {
      const off = await cache.subscribe(USER_EVENTS_CHANNEL, handle);
      if (stopped) await off();
      else unsubscribe = off;
    } catch (err) {
      if (stopped) return;
      logger.warn({ err }, 'cannot subscribe to user events; retrying');
      retry = setTimeout(() => void subscribe(), options.retryMs ?? 2000);
      retry.unref();
    }
  };

  await subscribe();
  return {
    async stop() {
      stopped = true;
      clearTimeout(retry);
      await unsubscribe?.();
    },
  };
}

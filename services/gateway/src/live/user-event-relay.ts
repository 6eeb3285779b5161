// The user-events relay of one gateway replica. It subscribes to the channel of each user with a
// connection here (the user's first connection subscribes, the last one to leave unsubscribes),
// so a replica receives only the events of its own users (Redis pub/sub across replicas, the
// in-process bus in all-in-one mode), and hands each to that user's connections through the hub.
// `listen` resolves once the subscription is confirmed: the upgrade reads the user's log tip
// only after that, so every later event is delivered live or replayable from the tip.
import { type CacheBus, type Unsubscribe, type UserEvent, userEventChannel } from '@elwosa/runtime';
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

/** The event in a message on `userId`'s channel, or undefined when it is not one of theirs. */
export function parseUserEvent(message: string, userId: string): UserEvent | undefined {
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    return undefined;
  }
  const parsed = eventSchema.safeParse(json);
  if (!parsed.success || parsed.data.userId !== userId) return undefined;
  return { ...parsed.data, data: parsed.data.data ?? null };
}

/** Ends one connection's interest in its user's events; calling it again does nothing. */
export type Release = () => void;

export interface UserEventRelay {
  /** Subscribes to the user's events, shared by their connections here; rejects when the cache is down. */
  listen(userId: string): Promise<Release>;
  /** Users whose channel this replica is subscribed to (or subscribing). */
  readonly users: number;
  stop(): Promise<void>;
}

export interface RelayOptions {
  cache: CacheBus;
  hub: ConnectionRegistry;
  metrics: LiveMetrics;
  logger: Logger;
}

interface Listening {
  connections: number;
  subscription: Promise<Unsubscribe>;
}

export function createUserEventRelay(options: RelayOptions): UserEventRelay {
  const { cache, hub, metrics, logger } = options;
  const byUser = new Map<string, Listening>();

  const handle = (userId: string, message: string) => {
    const event = parseUserEvent(message, userId);
    if (!event) {
      logger.warn({ userId }, 'malformed message on a user-events channel');
      return;
    }
    metrics.eventsReceived.inc();
    hub.deliver(event);
  };

  const unsubscribe = (userId: string, listening: Listening) => {
    if (byUser.get(userId) === listening) byUser.delete(userId);
    listening.subscription
      .then(
        (off) => off(),
        () => undefined,
      )
      .catch((err: unknown) => logger.debug({ err, userId }, 'user-events unsubscribe failed'));
  };

  return {
    async listen(userId) {
      let listening = byUser.get(userId);
      if (!listening) {
        const subscription = cache.subscribe(userEventChannel(userId), (message) => handle(userId, message));
        const created: Listening = { connections: 0, subscription };
        subscription.catch(() => {
          if (byUser.get(userId) === created) byUser.delete(userId);
        });
        byUser.set(userId, created);
        listening = created;
      }
      const current = listening;
      current.connections++;
      try {
        await current.subscription;
      } catch (err) {
        current.connections--;
        throw err;
      }
      let released = false;
      return () => {
        if (released) return;
        released = true;
        current.connections--;
        if (current.connections === 0) unsubscribe(userId, current);
      };
    },
    get users() {
      return byUser.size;
    },
    async stop() {
      const all = [...byUser.entries()];
      byUser.clear();
      await Promise.all(
        all.map(([, listening]) =>
          listening.subscription.then(
            (off) => off(),
            () => undefined,
          ),
        ),
      );
    },
  };
}

// Events for a user's live connections (the gateway's /ws), across replicas: each event is
// appended to the user's short log (for resume after a reconnect) and published on one channel
// that every gateway replica subscribes to. The log entry id is the event's `seq` cursor.
import type { CacheBus, StreamEntry } from '../cache/cache-bus.js';

export const USER_EVENTS_CHANNEL = 'user-events';
/** Events kept per user for resume; older ones need a resync through the service's `changes` feed. */
export const USER_EVENT_LOG_LENGTH = 1000;
export const userEventLog = (userId: string): string => `user-events:${userId}`;

export interface UserEvent {
  userId: string;
  /** Cursor of this event in the user's log (a stream id); increases strictly per user. */
  seq: string;
  type: string;
  data: unknown;
}

export async function publishUserEvent(
  cache: CacheBus,
  userId: string,
  type: string,
  data: unknown,
): Promise<UserEvent> {
  const payload = JSON.stringify(data);
  const seq = await cache.append(
    userEventLog(userId),
    { type, data: payload },
    { maxLen: USER_EVENT_LOG_LENGTH },
  );
  const event: UserEvent = { userId, seq, type, data };
  await cache.publish(USER_EVENTS_CHANNEL, JSON.stringify(event));
  return event;
}

export function userEventFromEntry(userId: string, entry: StreamEntry): UserEvent {
  return {
    userId,
    seq: entry.id,
    type: entry.fields.type ?? '',
    data: JSON.parse(entry.fields.data ?? 'null') as unknown,
  };
}

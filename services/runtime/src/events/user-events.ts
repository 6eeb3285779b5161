// Events for a user's live connections (the gateway's /ws), across replicas: each event is
// appended to the user's short log (for resume after a reconnect) and published on the user's
// own channel, in one step. A gateway replica subscribes to the channels of the users connected
// to it, so it receives their events and nobody else's. The log entry id is the event's `seq`
// cursor.
import type { CacheBus, StreamEntry } from '../cache/cache-bus.js';

/** Events kept per user for resume; older ones need a resync through the service's `changes` feed. */
export const USER_EVENT_LOG_LENGTH = 1000;
export const userEventLog = (userId: string): string => `user-events:${userId}`;
/** The user's live channel (channels and keys are separate namespaces in Redis). */
export const userEventChannel = (userId: string): string => `user-events:${userId}`;

export interface UserEvent {
  userId: string;
  /** Cursor of this event in the user's log (a stream id); increases strictly per user. */
  seq: string;
  type: string;
  data: unknown;
}

/** Appends the event to the user's log and publishes it on the user's channel; one round trip. */
export async function publishUserEvent(
  cache: CacheBus,
  userId: string,
  type: string,
  data: unknown,
): Promise<UserEvent> {
  const payload = JSON.stringify(data) ?? 'null';
  // The channel message is the event's JSON with the log id filled in as `seq`.
  const seq = await cache.appendAndPublish(
    userEventLog(userId),
    { type, data: payload },
    {
      channel: userEventChannel(userId),
      prefix: `{"userId":${JSON.stringify(userId)},"type":${JSON.stringify(type)},"seq":"`,
      suffix: `","data":${payload}}`,
    },
    { maxLen: USER_EVENT_LOG_LENGTH },
  );
  return { userId, seq, type, data };
}

export function userEventFromEntry(userId: string, entry: StreamEntry): UserEvent {
  return {
    userId,
    seq: entry.id,
    type: entry.fields.type ?? '',
    data: JSON.parse(entry.fields.data ?? 'null') as unknown,
  };
}

// Reads what a user's log holds after a client's cursor, for a resume. The answer is either every
// event after it (oldest first) or the reason the client must resync through the service's
// `changes` feed instead: a malformed cursor, a cursor older than the retained log, or a cache
// that cannot be read right now.
import {
  type CacheBus,
  USER_EVENT_LOG_LENGTH,
  type UserEvent,
  userEventFromEntry,
  userEventLog,
} from '@elwosa/runtime';
import { compareCursors, isCursor } from './cursor.js';

export type ResyncReason = 'invalid_cursor' | 'expired' | 'unavailable';

export type ReplayResult = { ok: true; events: UserEvent[] } | { ok: false; reason: ResyncReason };

export interface ReplayOptions {
  /** Entries per read. */
  pageSize?: number;
  /** More entries after the cursor than this (the log is trimmed approximately) → resync. */
  maxEvents?: number;
}

export async function replayUserEvents(
  cache: CacheBus,
  userId: string,
  lastSeq: string,
  options: ReplayOptions = {},
): Promise<ReplayResult> {
  if (!isCursor(lastSeq)) return { ok: false, reason: 'invalid_cursor' };
  const pageSize = options.pageSize ?? 500;
  const maxEvents = options.maxEvents ?? 2 * USER_EVENT_LOG_LENGTH;
  const log = userEventLog(userId);
  try {
    const events: UserEvent[] = [];
    let after = lastSeq;
    for (;;) {
      const page = await cache.readRange(log, after, pageSize);
      for (const entry of page) events.push(userEventFromEntry(userId, entry));
      if (events.length > maxEvents) return { ok: false, reason: 'expired' };
      const last = page.at(-1);
      if (page.length < pageSize || last === undefined) break;
      after = last.id;
    }
    // Checked after reading: trimming only drops the oldest entries, so a cursor still retained
    // now was retained while the pages above were read (nothing between it and them was lost).
    const [oldest] = await cache.readRange(log, '0', 1);
    if (oldest === undefined || compareCursors(oldest.id, lastSeq) > 0)
      return { ok: false, reason: 'expired' };
    return { ok: true, events };
  } catch {
    return { ok: false, reason: 'unavailable' };
  }
}

/**
 * The cursor of the newest event in the user's log, for `hello`: a client that has processed no
 * event yet resumes from it after a reconnect. Null when the log is empty or cannot be read
 * (such a client re-fetches instead, as before).
 */
export async function userEventLogTip(cache: CacheBus, userId: string): Promise<string | null> {
  try {
    return await cache.lastEntryId(userEventLog(userId));
  } catch {
    return null;
  }
}

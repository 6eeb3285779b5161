// What a resuming connection sends once its replay has been read (pure): the events after the
// client's cursor from the replay and from the live events buffered while it ran, each once, in
// cursor order, minus those this connection already delivered before the resume.
import type { UserEvent } from '@elwosa/runtime';
import { compareCursors } from './cursor.js';

export interface ResumeInput {
  /** The client's cursor: it has every event up to and including this one. */
  lastSeq: string;
  /** The user's log after `lastSeq`, oldest first, as read from the cache. */
  replayed: readonly UserEvent[];
  /** Live events that arrived while the replay was read. */
  buffered: readonly UserEvent[];
  /** Cursors this connection delivered live before the resume. */
  alreadyDelivered: ReadonlySet<string>;
}

export interface ResumeOutput {
  /** To send now, oldest first. */
  events: UserEvent[];
  /**
   * Every event at or before this cursor has reached the client: the log was read up to it, so
   * a live event at or before it arriving later is a duplicate.
   */
  floor: string;
}

export function mergeResume(input: ResumeInput): ResumeOutput {
  const lastRead = input.replayed.at(-1)?.seq;
  const floor =
    lastRead !== undefined && compareCursors(lastRead, input.lastSeq) > 0 ? lastRead : input.lastSeq;
  const bySeq = new Map<string, UserEvent>();
  for (const event of [...input.replayed, ...input.buffered]) {
    if (compareCursors(event.seq, input.lastSeq) <= 0) continue;
    if (input.alreadyDelivered.has(event.seq)) continue;
    if (!bySeq.has(event.seq)) bySeq.set(event.seq, event);
  }
  const events = [...bySeq.values()].sort((a, b) => compareCursors(a.seq, b.seq));
  return { events, floor };
}

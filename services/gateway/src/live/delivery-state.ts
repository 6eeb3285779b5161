// Which live events one connection sends, and when (pure state, no I/O):
// - before any resume, events go out at once and their cursors are remembered (a few only), so
//   a `resume` sent right after `hello` does not repeat them;
// - while a replay is read, live events are held back (a bounded buffer);
// - after the replay, the merge (resume-merge.ts) decides what goes out, and live events at or
//   before the replay's end are dropped as duplicates.
import { USER_EVENT_LOG_LENGTH, type UserEvent } from '@elwosa/runtime';
import { compareCursors } from './cursor.js';
import { mergeResume } from './resume-merge.js';

/** Events delivered before a resume that are remembered; a resume after more of them → resync. */
export const PRE_RESUME_TRACKING_LIMIT = 32;
/** Live events held back during a replay; beyond this the client is too slow (1013). */
export const REPLAY_BUFFER_LIMIT = USER_EVENT_LOG_LENGTH;

export type ResumeRefusal = 'already_resumed' | 'resume_too_late';

type State =
  | { mode: 'fresh'; delivered: Set<string> | undefined }
  | { mode: 'replaying'; lastSeq: string; delivered: Set<string>; buffered: UserEvent[]; overflowed: boolean }
  | { mode: 'live'; floor: string | undefined };

export interface DeliveryLimits {
  trackingLimit: number;
  bufferLimit: number;
}

export class DeliveryState {
  private state: State = { mode: 'fresh', delivered: new Set() };

  constructor(
    private readonly limits: DeliveryLimits = {
      trackingLimit: PRE_RESUME_TRACKING_LIMIT,
      bufferLimit: REPLAY_BUFFER_LIMIT,
    },
  ) {}

  get replaying(): boolean {
    return this.state.mode === 'replaying';
  }

  /** A live event arrived: the events to send now (none while a replay runs, or for a duplicate). */
  offer(event: UserEvent): UserEvent[] {
    const state = this.state;
    switch (state.mode) {
      case 'fresh':
        if (state.delivered && state.delivered.size >= this.limits.trackingLimit) state.delivered = undefined;
        state.delivered?.add(event.seq);
        return [event];
      case 'replaying':
        if (state.buffered.length >= this.limits.bufferLimit) state.overflowed = true;
        else state.buffered.push(event);
        return [];
      case 'live':
        return state.floor !== undefined && compareCursors(event.seq, state.floor) <= 0 ? [] : [event];
    }
  }

  /** The client sent something other than a resume: it is not going to resume on this connection. */
  stopTracking(): void {
    if (this.state.mode === 'fresh') this.state.delivered = undefined;
  }

  /** Starts holding live events back for a replay after `lastSeq`, or says why a resume is refused. */
  beginResume(lastSeq: string): ResumeRefusal | undefined {
    const state = this.state;
    if (state.mode !== 'fresh') return 'already_resumed';
    if (state.delivered === undefined) return 'resume_too_late';
    this.state = { mode: 'replaying', lastSeq, delivered: state.delivered, buffered: [], overflowed: false };
    return undefined;
  }

  /** The replay was read: what to send (oldest first); `overflowed` when the buffer ran over. */
  finishResume(replayed: readonly UserEvent[]): { events: UserEvent[]; overflowed: boolean } {
    const state = this.state;
    if (state.mode !== 'replaying') throw new Error('no resume in progress');
    if (state.overflowed) {
      this.state = { mode: 'live', floor: undefined };
      return { events: [], overflowed: true };
    }
    const merged = mergeResume({
      lastSeq: state.lastSeq,
      replayed,
      buffered: state.buffered,
      alreadyDelivered: state.delivered,
    });
    this.state = { mode: 'live', floor: merged.floor };
    return { events: merged.events, overflowed: false };
  }

  /** The replay is impossible (the client resyncs): the held-back live events, to send now. */
  abandonResume(): UserEvent[] {
    const state = this.state;
    if (state.mode !== 'replaying') throw new Error('no resume in progress');
    this.state = { mode: 'live', floor: undefined };
    return state.buffered;
  }
}

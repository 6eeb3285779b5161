// The pure parts of live delivery: the resume merge, the per-connection delivery state and
// cursor checks.
import type { UserEvent } from '@elwosa/runtime';
import { describe, expect, it } from 'vitest';
import { compareCursors, isCursor } from '../../src/live/cursor.js';
import { DeliveryState } from '../../src/live/delivery-state.js';
import { mergeResume } from '../../src/live/resume-merge.js';

const ev = (seq: string, type = 'task.updated'): UserEvent => ({ userId: 'u', seq, type, data: { seq } });
const seqs = (events: readonly UserEvent[]) => events.map((e) => e.seq);

describe('cursors', () => {
  it('orders by time, then by the counter (not as strings)', () => {
    expect(compareCursors('9-0', '10-0')).toBeLessThan(0);
    expect(compareCursors('10-2', '10-10')).toBeLessThan(0);
    expect(compareCursors('10-1', '10-1')).toBe(0);
    expect(compareCursors('11-0', '10-99')).toBeGreaterThan(0);
  });

  it.each(['10-1', '10', '0'])('%s is a cursor', (c) => expect(isCursor(c)).toBe(true));
  it.each(['', 'abc', '1-2-3', '-1', '10-', ' 10-1', '99999999999999999-0'])('%j is not', (c) =>
    expect(isCursor(c)).toBe(false),
  );
});

describe('mergeResume', () => {
  it('sends the replay and the buffered events after the cursor once each, in cursor order', () => {
    const out = mergeResume({
      lastSeq: '10-0',
      replayed: [ev('11-0'), ev('11-1'), ev('12-0')],
      buffered: [ev('12-0'), ev('13-0'), ev('11-1'), ev('9-0')],
      alreadyDelivered: new Set(),
    });
    expect(seqs(out.events)).toEqual(['11-0', '11-1', '12-0', '13-0']);
    expect(out.floor).toBe('12-0');
  });

  it('sorts buffered events that arrived out of order and leaves out what the connection already sent', () => {
    const out = mergeResume({
      lastSeq: '10-0',
      replayed: [ev('11-0'), ev('12-0')],
      buffered: [ev('14-0'), ev('13-0')],
      alreadyDelivered: new Set(['11-0']),
    });
    expect(seqs(out.events)).toEqual(['12-0', '13-0', '14-0']);
  });

  it('keeps the client cursor as the floor when nothing was replayed', () => {
    const out = mergeResume({
      lastSeq: '10-0',
      replayed: [],
      buffered: [ev('10-0')],
      alreadyDelivered: new Set(),
    });
    expect(out.events).toEqual([]);
    expect(out.floor).toBe('10-0');
  });
});

describe('DeliveryState', () => {
  it('passes live events through before any resume', () => {
    const state = new DeliveryState();
    expect(seqs(state.offer(ev('1-0')))).toEqual(['1-0']);
    expect(seqs(state.offer(ev('2-0')))).toEqual(['2-0']);
  });

  it('holds live events back during a replay, then sends the merge and drops late duplicates', () => {
    const state = new DeliveryState();
    state.offer(ev('5-0'));
    expect(state.beginResume('3-0')).toBeUndefined();
    expect(state.replaying).toBe(true);
    expect(state.offer(ev('7-0'))).toEqual([]);
    expect(state.offer(ev('6-0'))).toEqual([]);
    const { events, overflowed } = state.finishResume([ev('4-0'), ev('5-0'), ev('6-0')]);
    expect(overflowed).toBe(false);
    expect(seqs(events)).toEqual(['4-0', '6-0', '7-0']);
    expect(state.offer(ev('6-0'))).toEqual([]);
    expect(seqs(state.offer(ev('8-0')))).toEqual(['8-0']);
    // A late event from another publisher, after the replay's end but older than one sent: delivered.
    expect(seqs(state.offer(ev('6-5')))).toEqual(['6-5']);
  });

  it('refuses a second resume, and one after the client already said something else', () => {
    const resumed = new DeliveryState();
    resumed.beginResume('1-0');
    resumed.finishResume([]);
    expect(resumed.beginResume('1-0')).toBe('already_resumed');
    const talked = new DeliveryState();
    talked.stopTracking();
    expect(talked.beginResume('1-0')).toBe('resume_too_late');
  });

  it('refuses a resume once too many events went out before it', () => {
    const state = new DeliveryState({ trackingLimit: 2, bufferLimit: 10 });
    state.offer(ev('1-0'));
    state.offer(ev('2-0'));
    expect(state.beginResume('0-1')).toBeUndefined();
    const late = new DeliveryState({ trackingLimit: 2, bufferLimit: 10 });
    for (const s of ['1-0', '2-0', '3-0']) late.offer(ev(s));
    expect(late.beginResume('0-1')).toBe('resume_too_late');
  });

  it('reports an overflowing replay buffer', () => {
    const state = new DeliveryState({ trackingLimit: 2, bufferLimit: 2 });
    state.beginResume('0-1');
    for (const s of ['1-0', '2-0', '3-0']) state.offer(ev(s));
    expect(state.finishResume([])).toEqual({ events: [], overflowed: true });
  });

  it('on an abandoned resume hands back the held events and continues live without a floor', () => {
    const state = new DeliveryState();
    state.beginResume('5-0');
    state.offer(ev('6-0'));
    expect(seqs(state.abandonResume())).toEqual(['6-0']);
    expect(seqs(state.offer(ev('1-0')))).toEqual(['1-0']);
    expect(state.beginResume('5-0')).toBe('already_resumed');
  });
});

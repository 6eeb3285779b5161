// Reading the replay for a resume from a user's event log (in-process cache bus).
import { MemoryCacheBus, publishUserEvent, userEventLog } from '@elwosa/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { replayUserEvents } from '../../src/live/replay.js';

let cache: MemoryCacheBus;
afterEach(async () => {
  await cache?.close();
});

async function publish(n: number, userId = 'u') {
  const out = [];
  for (let i = 0; i < n; i++) out.push(await publishUserEvent(cache, userId, 'task.updated', { i }));
  return out;
}

describe('replayUserEvents', () => {
  it('returns exactly the events after the cursor, across pages', async () => {
    cache = new MemoryCacheBus();
    const events = await publish(12);
    await publish(3, 'someone-else');
    const result = await replayUserEvents(cache, 'u', events[4]!.seq, { pageSize: 3 });
    expect(result).toEqual({ ok: true, events: events.slice(5) });
  });

  it('returns nothing for the newest cursor', async () => {
    cache = new MemoryCacheBus();
    const events = await publish(2);
    expect(await replayUserEvents(cache, 'u', events[1]!.seq)).toEqual({ ok: true, events: [] });
  });

  it('asks for a resync when the cursor was trimmed from the log', async () => {
    cache = new MemoryCacheBus();
    const [first] = await publish(1);
    for (let i = 0; i < 5; i++) {
      await cache.append(userEventLog('u'), { type: 't', data: '{}' }, { maxLen: 3 });
    }
    expect(await replayUserEvents(cache, 'u', first!.seq)).toEqual({ ok: false, reason: 'expired' });
  });

  it('asks for a resync when the log is gone', async () => {
    cache = new MemoryCacheBus();
    expect(await replayUserEvents(cache, 'u', '1700000000000-0')).toEqual({ ok: false, reason: 'expired' });
  });

  it('asks for a resync when more events follow than the log retains', async () => {
    cache = new MemoryCacheBus();
    const events = await publish(6);
    expect(await replayUserEvents(cache, 'u', events[0]!.seq, { pageSize: 2, maxEvents: 4 })).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it.each(['', 'yesterday', '1-2-3'])('a malformed cursor %j → resync', async (lastSeq) => {
    cache = new MemoryCacheBus();
    expect(await replayUserEvents(cache, 'u', lastSeq)).toEqual({ ok: false, reason: 'invalid_cursor' });
  });

  it('a cache that cannot be read → resync', async () => {
    cache = new MemoryCacheBus();
    const [event] = await publish(1);
    await cache.close();
    expect(await replayUserEvents(cache, 'u', event!.seq)).toEqual({ ok: false, reason: 'unavailable' });
  });
});

// The user-events relay: a replica subscribes to the channel of each user with a connection
// here (shared by that user's connections, dropped with the last one), passes their valid
// events to the hub, drops malformed messages and messages naming another user, and a failed
// subscription rejects `listen` and leaves nothing behind.
import {
  type CacheBus,
  createLogger,
  MemoryCacheBus,
  MemoryStore,
  publishUserEvent,
  type UserEvent,
  userEventChannel,
} from '@elwosa/runtime';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { overrideCache } from '../../../../test-support/cache-overrides.ts';
import { createLiveMetrics } from '../../src/live/live-metrics.js';
import {
  createUserEventRelay,
  parseUserEvent,
  type UserEventRelay,
} from '../../src/live/user-event-relay.js';
import { ConnectionRegistry } from '../../src/ws/hub.js';

const logger = createLogger({ level: 'silent' });
let cache: MemoryCacheBus;
let relay: UserEventRelay | undefined;
afterEach(async () => {
  await relay?.stop();
  relay = undefined;
  await cache?.close();
});

/** A hub with one connection per user, recording what each receives. */
function hubOf(...userIds: string[]): { hub: ConnectionRegistry; got: Record<string, UserEvent[]> } {
  const hub = new ConnectionRegistry();
  const got: Record<string, UserEvent[]> = {};
  for (const userId of userIds) {
    const events: UserEvent[] = [];
    got[userId] = events;
    hub.add({ id: `c-${userId}`, userId, deliver: (e) => events.push(e) > 0, close: () => {} });
  }
  return { hub, got };
}
const settle = () => new Promise((r) => setTimeout(r, 20));
const relayOver = (over: CacheBus, hub: ConnectionRegistry, metrics = createLiveMetrics(new Registry())) =>
  createUserEventRelay({ cache: over, hub, metrics, logger });

/** The memory bus, counting subscribe calls and the channels subscribed right now. */
function countingCache() {
  cache = new MemoryCacheBus({ store: new MemoryStore() });
  const active = new Map<string, number>();
  let subscribes = 0;
  let failNext = false;
  const inner = cache;
  const subscribe: CacheBus['subscribe'] = async (channel, handler) => {
    subscribes++;
    if (failNext) {
      failNext = false;
      throw new Error('redis down');
    }
    const off = await inner.subscribe(channel, handler);
    active.set(channel, (active.get(channel) ?? 0) + 1);
    return async () => {
      active.set(channel, (active.get(channel) ?? 1) - 1);
      if (active.get(channel) === 0) active.delete(channel);
      await off();
    };
  };
  const counted = overrideCache(inner, () => ({ subscribe }));
  return {
    cache: counted,
    active,
    subscribes: () => subscribes,
    failNextSubscribe: () => {
      failNext = true;
    },
  };
}

describe('createUserEventRelay', () => {
  it("receives only the events of users listened to here, on each user's own channel", async () => {
    const counting = countingCache();
    const { hub, got } = hubOf('u', 'v', 'w');
    const metrics = createLiveMetrics(new Registry());
    relay = relayOver(counting.cache, hub, metrics);
    const releaseU = await relay.listen('u');
    await relay.listen('v');
    expect([...counting.active.keys()].sort()).toEqual([userEventChannel('u'), userEventChannel('v')]);

    const forU = await publishUserEvent(cache, 'u', 'task.created', { id: 1 });
    const forV = await publishUserEvent(cache, 'v', 'task.created', { id: 2 });
    await publishUserEvent(cache, 'w', 'task.created', { id: 3 }); // w has no listener here
    await settle();
    expect(got).toEqual({ u: [forU], v: [forV], w: [] });
    expect((await metrics.eventsReceived.get()).values[0]?.value).toBe(2);

    releaseU();
    await settle();
    expect([...counting.active.keys()]).toEqual([userEventChannel('v')]);
    await publishUserEvent(cache, 'u', 'task.updated', { id: 1 });
    await settle();
    expect(got.u).toEqual([forU]);
  });

  it("shares one subscription between a user's connections and ends it with the last", async () => {
    const counting = countingCache();
    const { hub, got } = hubOf('u');
    relay = relayOver(counting.cache, hub);
    const [first, second] = await Promise.all([relay.listen('u'), relay.listen('u')]);
    expect(counting.subscribes()).toBe(1);
    expect(relay.users).toBe(1);

    first();
    first(); // releasing twice counts once
    const stillHere = await publishUserEvent(cache, 'u', 't', 1);
    await settle();
    expect(got.u).toEqual([stillHere]);

    second();
    await settle();
    expect(relay.users).toBe(0);
    expect(counting.active.size).toBe(0);
    // Listening again subscribes again.
    await relay.listen('u');
    expect(counting.subscribes()).toBe(2);
    expect(counting.active.size).toBe(1);
  });

  it('rejects listen when the subscription fails, keeping nothing, and the next listen subscribes', async () => {
    const counting = countingCache();
    const { hub, got } = hubOf('u');
    relay = relayOver(counting.cache, hub);
    counting.failNextSubscribe();
    await expect(relay.listen('u')).rejects.toThrow('redis down');
    expect(relay.users).toBe(0);
    await relay.listen('u');
    const event = await publishUserEvent(cache, 'u', 't', 1);
    await settle();
    expect(got.u).toEqual([event]);
  });

  it('drops malformed messages and events naming another user; stop() ends every subscription', async () => {
    const counting = countingCache();
    const { hub, got } = hubOf('u', 'v');
    relay = relayOver(counting.cache, hub);
    await relay.listen('u');
    await cache.publish(userEventChannel('u'), 'not json');
    await cache.publish(userEventChannel('u'), JSON.stringify({ userId: 'u', seq: 'x', type: 't', data: 1 }));
    // Someone publishing on u's channel cannot reach v's connections.
    await cache.publish(
      userEventChannel('u'),
      JSON.stringify({ userId: 'v', seq: '1-0', type: 't', data: 1 }),
    );
    await settle();
    expect(got).toEqual({ u: [], v: [] });

    await relay.stop();
    relay = undefined;
    expect(counting.active.size).toBe(0);
  });
});

describe('parseUserEvent', () => {
  it('accepts an event of the channel’s user', () => {
    const e = { userId: 'u', seq: '1-0', type: 'task.created', data: { id: 't' } };
    expect(parseUserEvent(JSON.stringify(e), 'u')).toEqual(e);
    expect(parseUserEvent(JSON.stringify({ ...e, data: null }), 'u')).toEqual({ ...e, data: null });
  });

  it.each([
    'nope',
    '[1]',
    '{"userId":"u","seq":"x","type":"t","data":1}',
    '{"userId":"","seq":"1-0","type":"t","data":1}',
    '{"seq":"1-0","type":"t","data":1}',
    '{"userId":"u","seq":"1-0","data":1}',
    '{"userId":"v","seq":"1-0","type":"t","data":1}',
  ])('ignores %s', (m) => expect(parseUserEvent(m, 'u')).toBeUndefined());
});

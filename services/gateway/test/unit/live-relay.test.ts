// The user-events relay: one subscription, every valid event to the hub, malformed messages
// dropped, a failed first subscription retried, and stop() ends delivery.
import {
  createLogger,
  MemoryCacheBus,
  MemoryStore,
  publishUserEvent,
  USER_EVENTS_CHANNEL,
  type UserEvent,
} from '@elwosa/runtime';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createLiveMetrics } from '../../src/live/live-metrics.js';
import { startUserEventRelay, type UserEventRelay } from '../../src/live/user-event-relay.js';
import { ConnectionRegistry } from '../../src/ws/hub.js';

const logger = createLogger({ level: 'silent' });
let cache: MemoryCacheBus;
let relay: UserEventRelay | undefined;
afterEach(async () => {
  await relay?.stop();
  await cache?.close();
});

function hubWith(userId: string): { hub: ConnectionRegistry; got: UserEvent[] } {
  const hub = new ConnectionRegistry();
  const got: UserEvent[] = [];
  hub.add({ id: 'c', userId, deliver: (e) => got.push(e) > 0, close: () => {} });
  return { hub, got };
}
const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
};

describe('startUserEventRelay', () => {
  it('passes events to the hub and drops malformed channel messages', async () => {
    cache = new MemoryCacheBus({ store: new MemoryStore() });
    const { hub, got } = hubWith('u');
    const metrics = createLiveMetrics(new Registry());
    relay = await startUserEventRelay({ cache, hub, metrics, logger });
    await cache.publish(USER_EVENTS_CHANNEL, 'not json');
    await cache.publish(USER_EVENTS_CHANNEL, JSON.stringify({ userId: 'u', seq: 'x', type: 't', data: 1 }));
    const event = await publishUserEvent(cache, 'u', 'task.created', { id: 1 });
    await publishUserEvent(cache, 'someone-else', 'task.created', { id: 2 });
    await until(() => got.length === 1);
    expect(got).toEqual([event]);
    expect((await metrics.eventsReceived.get()).values[0]?.value).toBe(2);
  });

  it('retries a failed first subscription and stops delivering after stop()', async () => {
    cache = new MemoryCacheBus({ store: new MemoryStore() });
    let failures = 1;
    const flaky = new Proxy(cache, {
      get(target, property) {
        if (property === 'subscribe' && failures-- > 0) return async () => Promise.reject(new Error('down'));
        const value: unknown = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const { hub, got } = hubWith('u');
    relay = await startUserEventRelay({
      cache: flaky,
      hub,
      metrics: createLiveMetrics(new Registry()),
      logger,
      retryMs: 20,
    });
    for (let i = 0; i < 100 && got.length === 0; i++) {
      await publishUserEvent(cache, 'u', 't', null);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(got.length).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 50));
    await relay.stop();
    relay = undefined;
    const before = got.length;
    await publishUserEvent(cache, 'u', 't', null);
    await new Promise((r) => setTimeout(r, 50));
    expect(got.length).toBe(before);
  });
});

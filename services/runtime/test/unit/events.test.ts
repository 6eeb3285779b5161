import { describe, expect, it } from 'vitest';
import {
  consumeDomainEvents,
  type DomainEvent,
  emitDomainEvent,
  MemoryCacheBus,
  publishUserEvent,
  USER_EVENTS_CHANNEL,
  type UserEvent,
  userEventFromEntry,
  userEventLog,
} from '../../src/index.js';

describe('domain events', () => {
  it('round-trips through a consumer group', async () => {
    const cache = new MemoryCacheBus({ keyPrefix: `t${Math.random()}:` });
    await emitDomainEvent(cache, 'tasks', { type: 'task.created', userId: 'u1', data: { id: 't1' } });
    const seen: DomainEvent[] = [];
    const consumer = await consumeDomainEvents(cache, 'tasks', 'g', 'c', (e) => {
      seen.push(e);
    });
    await expect.poll(() => seen.length).toBe(1);
    expect(seen[0]).toMatchObject({ type: 'task.created', userId: 'u1', data: { id: 't1' } });
    expect(seen[0]!.id).toMatch(/^\d+-\d+$/);
    await consumer.stop();
    await cache.close();
  });
});

describe('user events', () => {
  it('logs each event for resume and publishes it with its seq', async () => {
    const cache = new MemoryCacheBus({ keyPrefix: `t${Math.random()}:` });
    const received: UserEvent[] = [];
    await cache.subscribe(USER_EVENTS_CHANNEL, (m) => {
      received.push(JSON.parse(m) as UserEvent);
    });
    const a = await publishUserEvent(cache, 'u1', 'task.updated', { id: 1 });
    const b = await publishUserEvent(cache, 'u1', 'task.updated', { id: 2 });
    await expect.poll(() => received.length).toBe(2);
    expect(received.map((e) => e.seq)).toEqual([a.seq, b.seq]);
    const missed = await cache.readRange(userEventLog('u1'), a.seq, 10);
    expect(missed.map((e) => userEventFromEntry('u1', e))).toEqual([
      { userId: 'u1', seq: b.seq, type: 'task.updated', data: { id: 2 } },
    ]);
    await cache.close();
  });
});

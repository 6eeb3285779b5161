import { describe, expect, it } from 'vitest';
import {
  consumeDomainEvents,
  type DomainEvent,
  emitDomainEvent,
  MemoryCacheBus,
  publishUserEvent,
  type UserEvent,
  userEventChannel,
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
  it("logs each event for resume and publishes it with its seq on the user's own channel", async () => {
    const cache = new MemoryCacheBus({ keyPrefix: `t${Math.random()}:` });
    const received: UserEvent[] = [];
    const elsewhere: string[] = [];
    await cache.subscribe(userEventChannel('u1'), (m) => {
      received.push(JSON.parse(m) as UserEvent);
    });
    await cache.subscribe(userEventChannel('u2'), (m) => void elsewhere.push(m));
    const a = await publishUserEvent(cache, 'u1', 'task.updated', { id: 1, title: 'quote " and \\ ✓' });
    const b = await publishUserEvent(cache, 'u1', 'task.updated', { id: 2 });
    const none = await publishUserEvent(cache, 'u1', 'task.deleted', undefined);
    await expect.poll(() => received.length).toBe(3);
    expect(received).toEqual([a, b, { ...none, data: null }]);
    expect(a.data).toEqual({ id: 1, title: 'quote " and \\ ✓' });
    expect(elsewhere).toEqual([]);
    const missed = await cache.readRange(userEventLog('u1'), a.seq, 10);
    expect(missed.map((e) => userEventFromEntry('u1', e))).toEqual([
      { userId: 'u1', seq: b.seq, type: 'task.updated', data: { id: 2 } },
      { userId: 'u1', seq: none.seq, type: 'task.deleted', data: null },
    ]);
    await cache.close();
  });
});

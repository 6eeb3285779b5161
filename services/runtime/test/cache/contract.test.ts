// The CacheBus contract: every adapter must pass every test here (Redis whenever it is reachable).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CacheBus, StreamEntry } from '../../src/cache/cache-bus.js';
import { CacheUnavailableError } from '../../src/cache/errors.js';
import { getJson, setJson } from '../../src/cache/json.js';
import { compareStreamIds, parseStreamId } from '../../src/cache/stream-ids.js';
import { adaptersUnderTest, newPrefix, sleep, waitFor } from './support.js';

const adapters = adaptersUnderTest();

it('runs the contract against Redis whenever Redis is reachable', () => {
  const names = adapters.map((adapter) => adapter.name);
  expect(names).toContain('in-process');
  if (process.env.ELWOSA_TEST_HAVE_REDIS === '1' || process.env.ELWOSA_REQUIRE_REAL_BACKENDS === '1') {
    expect(names).toContain('redis');
  }
});

describe.each(adapters)('CacheBus contract: $name', (adapter) => {
  let prefix: string;
  let bus: CacheBus;
  const extra: CacheBus[] = [];

  /** Another client of the same backend and namespace. */
  async function peer(): Promise<CacheBus> {
    const other = await adapter.create(prefix);
    extra.push(other);
    return other;
  }

  beforeEach(async () => {
    prefix = newPrefix();
    bus = await adapter.create(prefix);
  });

  afterEach(async () => {
    await Promise.all([bus, ...extra.splice(0)].map((b) => b.close()));
    await adapter.cleanup(prefix);
  });

  describe('key/value', () => {
    it('gets, sets, overwrites and deletes', async () => {
      expect(await bus.get('k')).toBeNull();
      await bus.set('k', 'v1');
      await bus.set('k', 'v2');
      expect(await bus.get('k')).toBe('v2');
      expect(await bus.del('k')).toBe(true);
      expect(await bus.get('k')).toBeNull();
      expect(await bus.del('k')).toBe(false);
    });

    it('expires values after ttlMs; a set without ttl makes them permanent again', async () => {
      await bus.set('short', 'x', { ttlMs: 300 });
      await bus.set('kept', 'y', { ttlMs: 300 });
      await bus.set('kept', 'y2');
      expect(await bus.get('short')).toBe('x');
      await sleep(500);
      expect(await bus.get('short')).toBeNull();
      expect(await bus.get('kept')).toBe('y2');
    });

    it('keeps namespaces apart by key prefix and shares them within one', async () => {
      const other = await peer();
      await bus.set('shared', 'a');
      expect(await other.get('shared')).toBe('a');
      prefix = newPrefix(); // afterEach cleans this one; the first is cleaned below
      const stranger = await adapter.create(prefix);
      extra.push(stranger);
      expect(await stranger.get('shared')).toBeNull();
      await other.del('shared');
    });

    it('round-trips JSON through the helpers', async () => {
      await setJson(bus, 'json', { a: 1, b: ['x'] }, { ttlMs: 10_000 });
      expect(await getJson(bus, 'json')).toEqual({ a: 1, b: ['x'] });
      expect(await getJson(bus, 'missing')).toBeNull();
    });

    it('rejects invalid ttls', async () => {
      await expect(bus.set('k', 'v', { ttlMs: 0 })).rejects.toThrow(RangeError);
      await expect(bus.setIfAbsent('k', 'v', -1)).rejects.toThrow(RangeError);
      await expect(bus.incr('k', 1, { ttlMs: 1.5 })).rejects.toThrow(RangeError);
    });
  });

  describe('setIfAbsent', () => {
    it('lets exactly one of many concurrent callers win, from several clients', async () => {
      const clients = [bus, await peer(), await peer()];
      const results = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          clients[i % clients.length]!.setIfAbsent('lock', `owner-${i}`, 5000),
        ),
      );
      const winners = results.flatMap((won, i) => (won ? [i] : []));
      expect(winners).toHaveLength(1);
      expect(await bus.get('lock')).toBe(`owner-${winners[0]}`);
    });

    it('frees the key after ttlMs', async () => {
      expect(await bus.setIfAbsent('lock', 'a', 300)).toBe(true);
      expect(await bus.setIfAbsent('lock', 'b', 300)).toBe(false);
      await sleep(500);
      expect(await bus.setIfAbsent('lock', 'c', 300)).toBe(true);
      expect(await bus.get('lock')).toBe('c');
    });
  });

  describe('incr', () => {
    it('counts atomically under concurrency', async () => {
      const clients = [bus, await peer()];
      const values = await Promise.all(Array.from({ length: 200 }, (_, i) => clients[i % 2]!.incr('n')));
      expect(new Set(values).size).toBe(200);
      expect(Math.max(...values)).toBe(200);
      expect(await bus.get('n')).toBe('200');
      expect(await bus.incr('n', -50)).toBe(150);
      expect(await bus.incr('n', 0)).toBe(150);
    });

    it('sets the ttl only when it creates the counter', async () => {
      expect(await bus.incr('c', 5, { ttlMs: 400 })).toBe(5);
      expect(await bus.incr('c', 1, { ttlMs: 60_000 })).toBe(6); // must not extend the first ttl
      await sleep(600);
      expect(await bus.get('c')).toBeNull();
      expect(await bus.incr('c', 1, { ttlMs: 60_000 })).toBe(1);
    });

    it('rejects counting a non-integer value', async () => {
      await bus.set('text', 'abc');
      await expect(bus.incr('text')).rejects.toThrow(/not an integer/);
    });
  });

  describe('rateLimit', () => {
    it('allows exactly `limit` of many concurrent requests and counts down remaining', async () => {
      const clients = [bus, await peer()];
      const results = await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          clients[i % 2]!.rateLimit('user:1', { limit: 10, windowMs: 5000 }),
        ),
      );
      const allowed = results.filter((r) => r.allowed);
      expect(allowed).toHaveLength(10);
      expect(allowed.map((r) => r.remaining).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      for (const r of results) {
        expect(r.limit).toBe(10);
        expect(r.resetMs).toBeGreaterThan(0);
        expect(r.resetMs).toBeLessThanOrEqual(5000);
        if (r.allowed) expect(r.retryAfterMs).toBe(0);
        else {
          expect(r.remaining).toBe(0);
          expect(r.retryAfterMs).toBeGreaterThan(4000);
          expect(r.retryAfterMs).toBeLessThanOrEqual(5000);
        }
      }
      // Other keys have their own window.
      expect((await bus.rateLimit('user:2', { limit: 10, windowMs: 5000 })).remaining).toBe(9);
    });

    it('slides: a slot frees when the oldest request leaves the window, not at a fixed boundary', async () => {
      const opts = { limit: 2, windowMs: 1000 };
      const t0 = Date.now();
      expect((await bus.rateLimit('k', opts)).allowed).toBe(true); // a, at ta ∈ [t0, t1]
      const t1 = Date.now();
      await sleep(500);
      expect((await bus.rateLimit('k', opts)).allowed).toBe(true); // b, half a window later
      const d0 = Date.now();
      const denied = await bus.rateLimit('k', opts);
      const d1 = Date.now();
      expect(denied.allowed).toBe(false);
      // retryAfter = ta + window - (time of the decision): until a leaves, ≈ 500 ms.
      expect(denied.retryAfterMs).toBeGreaterThanOrEqual(t0 + 1000 - d1 - 2);
      expect(denied.retryAfterMs).toBeLessThanOrEqual(t1 + 1000 - d0 + 2);
      await sleep(denied.retryAfterMs + 20);
      const again = await bus.rateLimit('k', opts);
      expect(again.allowed).toBe(true); // a left the window …
      expect(again.remaining).toBe(0);
      const stillDenied = await bus.rateLimit('k', opts);
      expect(stillDenied.allowed).toBe(false); // … b has not: no fixed-window reset
      expect(stillDenied.retryAfterMs).toBeGreaterThan(0);
      expect(stillDenied.retryAfterMs).toBeLessThanOrEqual(500);
    });

    it('does not count denied requests', async () => {
      const opts = { limit: 3, windowMs: 1000 };
      const first = await Promise.all([1, 2, 3].map(() => bus.rateLimit('k', opts)));
      expect(first.every((r) => r.allowed)).toBe(true);
      await sleep(500);
      const denied = await Promise.all([1, 2, 3, 4, 5].map(() => bus.rateLimit('k', opts)));
      expect(denied.some((r) => r.allowed)).toBe(false);
      // Once the first three have left, the quota is whole again although the denials are recent.
      await sleep(Math.max(...denied.map((r) => r.retryAfterMs)) + 30);
      const later = await Promise.all([1, 2, 3, 4].map(() => bus.rateLimit('k', opts)));
      expect(later.filter((r) => r.allowed)).toHaveLength(3);
    });

    it('rejects invalid options', async () => {
      await expect(bus.rateLimit('k', { limit: 0, windowMs: 1000 })).rejects.toThrow(RangeError);
      await expect(bus.rateLimit('k', { limit: 1, windowMs: 0.5 })).rejects.toThrow(RangeError);
    });
  });

  describe('pub/sub', () => {
    it('delivers to every subscriber of the channel until each unsubscribes', async () => {
      const other = await peer();
      const a: string[] = [];
      const b: string[] = [];
      const elsewhere: string[] = [];
      const offA = await bus.subscribe('room', (message, channel) => void a.push(`${channel}:${message}`));
      const offB = await other.subscribe('room', (message) => void b.push(message));
      await bus.subscribe('other-room', (message) => void elsewhere.push(message));

      await other.publish('room', 'm1');
      await waitFor(() => a.length === 1 && b.length === 1, 3000, 'first delivery');
      expect(a).toEqual(['room:m1']);

      await offA();
      await offA(); // idempotent
      await bus.publish('room', 'm2');
      await waitFor(() => b.length === 2, 3000, 'second delivery');
      await offB();
      await bus.publish('room', 'm3');
      await sleep(150);
      expect(a).toEqual(['room:m1']);
      expect(b).toEqual(['m1', 'm2']);
      expect(elsewhere).toEqual([]);
    });

    it('isolates a failing handler from the others', async () => {
      const got: string[] = [];
      await bus.subscribe('c', () => {
        throw new Error('boom');
      });
      await bus.subscribe('c', async () => {
        throw new Error('async boom');
      });
      await bus.subscribe('c', (message) => void got.push(message));
      await bus.publish('c', 'x');
      await bus.publish('c', 'y');
      await waitFor(() => got.length === 2, 3000, 'delivery despite failing handlers');
      expect(got).toEqual(['x', 'y']);
    });
  });

  describe('streams', () => {
    const fields = (i: number) => ({ type: 'task.created', n: String(i) });

    it('appends with increasing ids and replays after an id', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push(await bus.append('events', fields(i)));
      for (let i = 1; i < ids.length; i++) {
        expect(compareStreamIds(parseStreamId(ids[i]!), parseStreamId(ids[i - 1]!))).toBeGreaterThan(0);
      }
      const all = await bus.readRange('events', '0', 100);
      expect(all).toEqual(ids.map((id, i) => ({ id, fields: fields(i) })));
      expect((await bus.readRange('events', ids[1]!, 2)).map((e) => e.id)).toEqual([ids[2], ids[3]]);
      expect(await bus.readRange('events', ids[4]!, 10)).toEqual([]);
      expect(await bus.readRange('no-such-stream', '0', 10)).toEqual([]);
      expect(await bus.lastEntryId('events')).toBe(ids[4]);
      expect(await bus.lastEntryId('no-such-stream')).toBeNull();
      await expect(bus.readRange('events', 'not-an-id', 10)).rejects.toThrow(RangeError);
      await expect(bus.append('events', {})).rejects.toThrow(RangeError);
    });

    it('appends and announces in one step: each message carries its id, in id order', async () => {
      const other = await peer();
      const got: string[] = [];
      await other.subscribe('news', (message) => void got.push(message));
      const announce = (i: number) => ({ channel: 'news', prefix: `<${i}|`, suffix: '>' });
      const ids = await Promise.all(
        Array.from({ length: 20 }, (_, i) => bus.appendAndPublish('log', fields(i), announce(i))),
      );
      await waitFor(() => got.length === 20, 3000, 'every announcement');
      expect([...got].sort()).toEqual(ids.map((id, i) => `<${i}|${id}>`).sort());
      const announced = got.map((m) => m.slice(m.indexOf('|') + 1, -1));
      expect(announced).toEqual([...announced].sort(byId));
      const logged = await bus.readRange('log', '0', 100);
      expect(logged.map((e) => e.id)).toEqual([...ids].sort(byId));
      expect(logged.find((e) => e.id === ids[3])?.fields).toEqual(fields(3));
      await expect(bus.appendAndPublish('log', {}, announce(0))).rejects.toThrow(RangeError);
      await expect(bus.appendAndPublish('log', fields(0), announce(0), { maxLen: 0 })).rejects.toThrow(
        RangeError,
      );
    });

    it('trims to about maxLen, keeping the newest entries', async () => {
      const ids: string[] = [];
      for (let batch = 0; batch < 10; batch++) {
        ids.push(
          ...(await Promise.all(
            Array.from({ length: 100 }, (_, i) =>
              bus.append('long', fields(batch * 100 + i), { maxLen: 100 }),
            ),
          )),
        );
      }
      const kept = await bus.readRange('long', '0', 2000);
      expect(kept.length).toBeGreaterThanOrEqual(100);
      expect(kept.length).toBeLessThan(1000);
      expect(kept.slice(-100).map((e) => e.id)).toEqual(ids.slice(-100).sort(byId));
    });

    it('gives each entry to one consumer of a group; every group sees every entry', async () => {
      const seen = new Map<string, string[]>();
      const record = (who: string) => async (entry: StreamEntry) => {
        seen.set(who, [...(seen.get(who) ?? []), entry.id]);
        await sleep(5);
      };
      const opts = { batchSize: 1, blockMs: 200 };
      const c1 = await bus.consume('jobs', 'workers', 'w1', record('w1'), opts);
      const c2 = await (await peer()).consume('jobs', 'workers', 'w2', record('w2'), opts);
      const audit = await bus.consume('jobs', 'audit', 'a1', record('audit'), opts);
      const ids: string[] = [];
      for (let i = 0; i < 30; i++) {
        ids.push(await bus.append('jobs', fields(i)));
        if (i % 3 === 0) await sleep(5);
      }
      const workers = () => [...(seen.get('w1') ?? []), ...(seen.get('w2') ?? [])];
      await waitFor(
        () => workers().length >= 30 && (seen.get('audit')?.length ?? 0) >= 30,
        5000,
        'all entries',
      );
      await sleep(100);
      await Promise.all([c1.stop(), c2.stop(), audit.stop()]);
      expect(workers().sort(byId)).toEqual(ids);
      expect(seen.get('w1')?.length).toBeGreaterThan(0);
      expect(seen.get('w2')?.length).toBeGreaterThan(0);
      expect(seen.get('audit')).toEqual(ids);
    });

    it('redelivers an entry whose handler failed, and acknowledges it once handled', async () => {
      const attempts = new Map<string, number>();
      const handled: string[] = [];
      const consumer = await bus.consume(
        'jobs',
        'g',
        'c1',
        (entry) => {
          const n = (attempts.get(entry.id) ?? 0) + 1;
          attempts.set(entry.id, n);
          if (entry.fields.n === '1' && n === 1) throw new Error('transient failure');
          handled.push(entry.id);
        },
        { claimIdleMs: 200, blockMs: 100 },
      );
      const ids = [await bus.append('jobs', fields(0)), await bus.append('jobs', fields(1))];
      await waitFor(() => handled.length === 2, 5000, 'redelivery');
      expect(handled).toEqual([ids[0], ids[1]]);
      expect(attempts.get(ids[1]!)).toBe(2);
      // Acknowledged: nothing is redelivered after another idle period, not even to a new consumer.
      await sleep(500);
      await consumer.stop();
      const late: string[] = [];
      const next = await bus.consume('jobs', 'g', 'c2', (e) => void late.push(e.id), {
        claimIdleMs: 100,
        blockMs: 100,
      });
      await sleep(400);
      await next.stop();
      expect(attempts.get(ids[0]!)).toBe(1);
      expect(attempts.get(ids[1]!)).toBe(2);
      expect(late).toEqual([]);
    });

    it('hands entries left pending by a stopped consumer to another one', async () => {
      let release: () => void = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const first: string[] = [];
      const slow = await bus.consume(
        'jobs',
        'g',
        'slow',
        async (entry) => {
          first.push(entry.id);
          await gate;
          throw new Error('crashed mid-way');
        },
        { batchSize: 5, blockMs: 100, claimIdleMs: 200 },
      );
      const ids = await Promise.all([0, 1, 2].map((i) => bus.append('jobs', fields(i))));
      await waitFor(() => first.length === 1, 3000, 'first delivery');
      const stopping = slow.stop();
      release();
      await stopping;
      const rescued: string[] = [];
      const rescuer = await bus.consume('jobs', 'g', 'rescuer', (e) => void rescued.push(e.id), {
        blockMs: 100,
        claimIdleMs: 200,
      });
      await waitFor(() => rescued.length === 3, 5000, 'takeover of pending entries');
      await rescuer.stop();
      expect(rescued.sort(byId)).toEqual([...ids].sort(byId));
    });

    it('starts a new group at new entries or at the beginning, as asked', async () => {
      const before = await bus.append('s', fields(0));
      const fromStart: string[] = [];
      const fromNow: string[] = [];
      const a = await bus.consume('s', 'replay', 'c', (e) => void fromStart.push(e.id), {
        startFrom: 'beginning',
        blockMs: 100,
      });
      const b = await bus.consume('s', 'live', 'c', (e) => void fromNow.push(e.id), { blockMs: 100 });
      const after = await bus.append('s', fields(1));
      await waitFor(() => fromStart.length === 2 && fromNow.length === 1, 3000, 'deliveries');
      await Promise.all([a.stop(), b.stop()]);
      expect(fromStart).toEqual([before, after]);
      expect(fromNow).toEqual([after]);
    });

    it('stops promptly even while blocked, and delivers nothing after stop', async () => {
      const got: string[] = [];
      const consumer = await bus.consume('s', 'g', 'c', (e) => void got.push(e.id), { blockMs: 5000 });
      await sleep(100); // now blocked in a read
      const started = Date.now();
      await consumer.stop();
      expect(Date.now() - started).toBeLessThan(1000);
      await consumer.stop(); // idempotent
      const id = await bus.append('s', fields(0));
      await sleep(200);
      expect(got).toEqual([]);
      // The entry is not lost: the group delivers it to the next consumer.
      const next = await bus.consume('s', 'g', 'c2', (e) => void got.push(e.id), { blockMs: 100 });
      await waitFor(() => got.length === 1, 3000, 'delivery to the next consumer');
      await next.stop();
      expect(got).toEqual([id]);
    });
  });

  describe('lifecycle', () => {
    it('pings, reports ready, and rejects every call with CacheUnavailableError after close', async () => {
      expect(await bus.ping()).toBeGreaterThanOrEqual(0);
      expect(bus.status()).toBe('ready');
      const got: string[] = [];
      await bus.subscribe('c', (m) => void got.push(m));
      const consumer = await bus.consume('s', 'g', 'c', () => {}, { blockMs: 5000 });
      await bus.close();
      await bus.close();
      await consumer.stop(); // already stopped by close
      expect(bus.status()).toBe('closed');
      await expect(bus.get('k')).rejects.toBeInstanceOf(CacheUnavailableError);
      await expect(bus.ping()).rejects.toBeInstanceOf(CacheUnavailableError);
      await expect(bus.publish('c', 'm')).rejects.toBeInstanceOf(CacheUnavailableError);
      const other = await peer();
      await other.publish('c', 'after close');
      await sleep(150);
      expect(got).toEqual([]);
    });
  });
});

function byId(a: string, b: string): number {
  return compareStreamIds(parseStreamId(a), parseStreamId(b));
}

// Unit tests for the pure helpers behind the adapters.
import { describe, expect, it } from 'vitest';
import { failureDelayMs, resolveConsumeOptions } from '../../src/cache/consumer-loop.js';
import { CacheUnavailableError } from '../../src/cache/errors.js';
import { createCacheBus } from '../../src/cache/factory.js';
import { prefixer } from '../../src/cache/key-prefix.js';
import { ExpiringMap } from '../../src/cache/memory/expiring-map.js';
import { MemoryCacheBus } from '../../src/cache/memory/memory-cache-bus.js';
import { reconnectDelayMs, toCacheError } from '../../src/cache/redis/connection.js';
import { autoClaimReply, readGroupEntries, toEntries } from '../../src/cache/redis/replies.js';
import { slideAndTry, toRateLimitResult } from '../../src/cache/sliding-window.js';
import {
  compareStreamIds,
  formatStreamId,
  nextStreamId,
  normalizeStreamId,
  parseStreamId,
} from '../../src/cache/stream-ids.js';

describe('sliding window', () => {
  const opts = { limit: 3, windowMs: 1000 };

  it('allows up to the limit, then denies without recording', () => {
    const log: number[] = [];
    const decisions = [0, 10, 20, 30, 40].map((now) => slideAndTry(log, now, opts).allowed);
    expect(decisions).toEqual([true, true, true, false, false]);
    expect(log).toEqual([0, 10, 20]);
  });

  it('drops entries at exactly now - windowMs, and only those', () => {
    const log = [0, 10, 20];
    expect(slideAndTry(log, 1000, opts)).toEqual({
      allowed: true,
      count: 3,
      now: 1000,
      oldest: 10,
      newest: 1000,
    });
    expect(log).toEqual([10, 20, 1000]);
    expect(slideAndTry(log, 1009, opts).allowed).toBe(false);
  });

  it('stays sorted when the clock steps back', () => {
    const log = [500];
    slideAndTry(log, 400, opts);
    expect(log).toEqual([500, 500]);
  });

  it('turns a state into the public result', () => {
    expect(toRateLimitResult({ allowed: true, count: 1, now: 100, oldest: 100, newest: 100 }, opts)).toEqual({
      allowed: true,
      limit: 3,
      remaining: 2,
      resetMs: 1000,
      retryAfterMs: 0,
    });
    expect(toRateLimitResult({ allowed: false, count: 3, now: 900, oldest: 100, newest: 800 }, opts)).toEqual(
      {
        allowed: false,
        limit: 3,
        remaining: 0,
        resetMs: 900,
        retryAfterMs: 200,
      },
    );
  });
});

describe('stream ids', () => {
  it('parses, normalises and formats', () => {
    expect(parseStreamId('1700000000000-5')).toEqual({ ms: 1700000000000, seq: 5 });
    expect(normalizeStreamId('0')).toBe('0-0');
    expect(formatStreamId({ ms: 12, seq: 3 })).toBe('12-3');
    for (const bad of ['', '-1', 'abc', '1-', '1-2-3', '1.5', '99999999999999999']) {
      expect(() => parseStreamId(bad)).toThrow(RangeError);
    }
  });

  it('orders by time, then sequence', () => {
    const ids = ['2-0', '1-10', '1-2', '10-0'].map(parseStreamId).sort(compareStreamIds).map(formatStreamId);
    expect(ids).toEqual(['1-2', '1-10', '2-0', '10-0']);
  });

  it('generates strictly increasing ids, even if the clock steps back', () => {
    expect(nextStreamId({ ms: 5, seq: 2 }, 9)).toEqual({ ms: 9, seq: 0 });
    expect(nextStreamId({ ms: 5, seq: 2 }, 5)).toEqual({ ms: 5, seq: 3 });
    expect(nextStreamId({ ms: 5, seq: 2 }, 3)).toEqual({ ms: 5, seq: 3 });
  });
});

describe('redis replies', () => {
  it('reads entries and skips malformed or deleted ones', () => {
    expect(toEntries([['1-0', ['a', '1', 'b', '2']], ['2-0', null], 'junk'])).toEqual([
      { id: '1-0', fields: { a: '1', b: '2' } },
    ]);
    expect(toEntries(null)).toEqual([]);
  });

  it('reads XREADGROUP and XAUTOCLAIM replies', () => {
    expect(readGroupEntries([['s', [['1-0', ['a', '1']]]]])).toEqual([{ id: '1-0', fields: { a: '1' } }]);
    expect(readGroupEntries(null)).toEqual([]);
    expect(autoClaimReply(['3-0', [['1-0', ['a', '1']]], ['2-0']])).toEqual({
      cursor: '3-0',
      entries: [{ id: '1-0', fields: { a: '1' } }],
      deleted: ['2-0'],
    });
    expect(autoClaimReply(undefined).cursor).toBe('0-0');
  });
});

describe('redis connection helpers', () => {
  it('backs off exponentially up to the cap, with bounded jitter', () => {
    const noJitter = () => 0;
    expect([1, 2, 3, 4, 10, 100].map((n) => reconnectDelayMs(n, 2000, noJitter))).toEqual([
      50, 100, 200, 400, 2000, 2000,
    ]);
    expect(reconnectDelayMs(100, 2000, () => 0.999)).toBeLessThanOrEqual(2200);
  });

  it('keeps reply errors and turns everything else into CacheUnavailableError', () => {
    const reply = Object.assign(new Error('WRONGTYPE'), { name: 'ReplyError' });
    expect(toCacheError(reply)).toBe(reply);
    const wrapped = toCacheError(new Error('Connection is closed.'));
    expect(wrapped).toBeInstanceOf(CacheUnavailableError);
    expect((wrapped as Error).message).toMatch(/Connection is closed/);
  });
});

describe('consumer options', () => {
  it('fills defaults and rejects nonsense', () => {
    expect(resolveConsumeOptions()).toEqual({
      batchSize: 10,
      blockMs: 1000,
      claimIdleMs: 30_000,
      startFrom: 'new',
    });
    expect(() => resolveConsumeOptions({ blockMs: 0 })).toThrow(RangeError);
    expect(() => resolveConsumeOptions({ batchSize: 1.5 })).toThrow(RangeError);
  });

  it('backs off after failures up to 2 s', () => {
    expect([1, 2, 3, 5, 50].map(failureDelayMs)).toEqual([100, 200, 400, 1600, 2000]);
  });
});

describe('ExpiringMap', () => {
  it('hides, deletes and sweeps expired entries', () => {
    const map = new ExpiringMap<string>();
    map.set('a', '1', 100);
    map.set('b', '2', Number.POSITIVE_INFINITY);
    expect(map.get('a', 99)).toBe('1');
    expect(map.get('a', 100)).toBeUndefined();
    map.update('b', '3');
    expect(map.get('b', 1e15)).toBe('3');
    map.set('c', 'x', 10);
    expect(map.delete('c', 20)).toBe(false); // already expired
    map.set('d', 'x', 10);
    map.sweep(50);
    map.expireAt('d', 1e15); // gone after the sweep: no-op
    expect(map.get('d', 60)).toBeUndefined();
  });
});

describe('key prefix and factory', () => {
  it('prefixes names', () => {
    expect(prefixer('svc:')('k')).toBe('svc:k');
    expect(prefixer()('k')).toBe('k');
  });

  it('gives the process-wide in-process bus without a Redis URL', async () => {
    const a = await createCacheBus({ keyPrefix: 'helpers-test:' });
    const b = await createCacheBus({ keyPrefix: 'helpers-test:' });
    expect(a).toBeInstanceOf(MemoryCacheBus);
    await a.set('shared', 'yes');
    expect(await b.get('shared')).toBe('yes'); // all-in-one services see one bus
    await a.del('shared');
    await Promise.all([a.close(), b.close()]);
  });
});

import {
  CacheUnavailableError,
  createLogger,
  MemoryCacheBus,
  MemoryStore,
  type RateLimitResult,
} from '@elwosa/runtime';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { clientAddress } from '../../src/ratelimit/client-address.js';
import { rateLimitHeaders } from '../../src/ratelimit/headers.js';
import { createRateLimiter } from '../../src/ratelimit/limiter.js';
import { addressBucket, rateLimitSubject } from '../../src/ratelimit/subject.js';

const logger = createLogger({ level: 'silent' });

describe('rate-limit subject', () => {
  it('counts users by sub and anonymous clients by address', () => {
    expect(rateLimitSubject('u1', '10.0.0.1')).toEqual({ kind: 'user', key: 'user:u1' });
    expect(rateLimitSubject(undefined, '10.0.0.1')).toEqual({ kind: 'ip', key: 'ip:10.0.0.1' });
  });

  it('buckets IPv6 by /64 and unmaps IPv4-mapped addresses', () => {
    expect(addressBucket('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('2001:db8:1:2::99')).toBe(addressBucket('2001:db8:1:2:ffff::1'));
    expect(addressBucket('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressBucket('::1')).toBe('0:0:0:0::/64');
    expect(addressBucket('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(addressBucket('192.0.2.1')).toBe('192.0.2.1');
  });
});

describe('rate-limit headers (draft-ietf-httpapi-ratelimit-headers-08)', () => {
  const result = (over: Partial<RateLimitResult>): RateLimitResult => ({
    allowed: true,
    limit: 100,
    remaining: 99,
    resetMs: 60_000,
    retryAfterMs: 0,
    ...over,
  });

  it('reports policy and state', () => {
    expect(rateLimitHeaders(result({ remaining: 42, resetMs: 30_500 }), 60_000)).toEqual({
      'RateLimit-Policy': '"default";q=100;w=60',
      RateLimit: '"default";r=42;t=31',
    });
  });

  it('adds Retry-After (at least 1 s) on a denial', () => {
    const headers = rateLimitHeaders(result({ allowed: false, remaining: 0, retryAfterMs: 1 }), 60_000);
    expect(headers['Retry-After']).toBe('1');
    expect(
      rateLimitHeaders(result({ allowed: false, remaining: 0, retryAfterMs: 12_001 }), 60_000)['Retry-After'],
    ).toBe('13');
  });
});

describe('client address (express trust proxy semantics)', () => {
  it('matches req.ip of express for the same hop count', async () => {
    const cases: Array<[number, string | undefined]> = [
      [0, undefined],
      [0, '1.1.1.1'],
      [1, '1.1.1.1'],
      [1, '6.6.6.6, 1.1.1.1'],
      [2, '6.6.6.6, 1.1.1.1'],
      [3, '6.6.6.6, 1.1.1.1'],
    ];
    for (const [hops, xff] of cases) {
      const app = express();
      app.set('trust proxy', hops);
      const req = Object.create(app.request) as express.Request;
      Object.assign(req, {
        app,
        headers: xff ? { 'x-forwarded-for': xff } : {},
        socket: { remoteAddress: '127.0.0.1' },
      });
      Object.defineProperty(req, 'connection', { value: req.socket });
      expect(clientAddress('127.0.0.1', xff, hops), `hops=${hops} xff=${xff}`).toBe(req.ip);
    }
  });
});

describe('limiter', () => {
  it('decides in the cache while it is up', async () => {
    const cache = new MemoryCacheBus({ store: new MemoryStore() });
    const limiter = createRateLimiter({ cache, limit: 2, windowMs: 60_000, logger });
    expect((await limiter.check('user:a')).allowed).toBe(true);
    expect((await limiter.check('user:a')).allowed).toBe(true);
    const third = await limiter.check('user:a');
    expect(third).toMatchObject({ allowed: false, backend: 'cache', remaining: 0 });
    expect((await limiter.check('user:b')).allowed).toBe(true);
    await limiter.close();
  });

  it('fails open to the in-memory insurance limiter, which still limits', async () => {
    const cache = new MemoryCacheBus({ store: new MemoryStore() });
    cache.rateLimit = async () => {
      throw new CacheUnavailableError('down');
    };
    const limiter = createRateLimiter({ cache, limit: 3, windowMs: 60_000, logger });
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push(await limiter.check('user:a'));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(decisions.every((d) => d.backend === 'memory')).toBe(true);
    await limiter.close();
  });

  it('does not hide other cache errors', async () => {
    const cache = new MemoryCacheBus({ store: new MemoryStore() });
    cache.rateLimit = async () => {
      throw new TypeError('bug');
    };
    const limiter = createRateLimiter({ cache, limit: 3, windowMs: 60_000, logger });
    await expect(limiter.check('user:a')).rejects.toThrow('bug');
    await limiter.close();
  });
});

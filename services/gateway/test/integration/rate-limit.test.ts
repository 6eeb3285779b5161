// Per-user and per-IP sliding-window limits (default 100/min) and the usual bypass attempts.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../support/harness.js';
import { rawRequest } from '../support/raw-request.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ env: { ELWOSA_RATE_LIMIT_PER_MINUTE: '100' } });
});
afterAll(async () => {
  await h?.stop();
});

const LIMIT = 100;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function exhaust(headers: Record<string, string>, path = '/api/tasks', method = 'GET'): Promise<void> {
  for (let i = 0; i < LIMIT; i++) {
    const res = await rawRequest(h.url, method, path, headers);
    expect(res.status, `request ${i + 1}`).not.toBe(429);
    expect(res.headers.ratelimit).toBe(`"default";r=${LIMIT - i - 1};t=60`);
  }
}

function expectLimited(res: { status: number; headers: Record<string, unknown>; body: string }): void {
  expect(res.status).toBe(429);
  expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
  expect(res.headers['ratelimit-policy']).toBe('"default";q=100;w=60');
  expect(res.headers.ratelimit).toMatch(/^"default";r=0;t=\d+$/);
  expect(res.headers['content-type']).toContain('application/problem+json');
  expect(JSON.parse(res.body)).toMatchObject({ status: 429 });
}

describe('per-user limit', () => {
  it('the 101st request within 60 s → 429 with Retry-After and RateLimit headers; another user is unaffected', async () => {
    const alice = await h.login();
    const bob = await h.login();
    await exhaust(bearer(alice.token));
    const before = h.tasks.requests.length;
    expectLimited(await rawRequest(h.url, 'GET', '/api/tasks', bearer(alice.token)));
    expect(h.tasks.requests.length).toBe(before);
    const other = await rawRequest(h.url, 'GET', '/api/tasks', bearer(bob.token));
    expect(other.status).toBe(200);
    expect(other.headers.ratelimit).toBe('"default";r=99;t=60');
  });

  it('no bypass through X-Forwarded-For, a fresh token of the same user, path variants or HEAD', async () => {
    const carol = await h.login();
    await exhaust(bearer(carol.token));
    const second = await h.login({ sub: carol.userId });
    expect(second.sessionId).not.toBe(carol.sessionId);
    const attempts: Array<[string, string, Record<string, string>]> = [
      ['GET', '/api/tasks', { ...bearer(carol.token), 'x-forwarded-for': '198.51.100.1' }],
      ['GET', '/api/tasks', { ...bearer(carol.token), 'x-forwarded-for': '198.51.100.2, 10.0.0.1' }],
      ['GET', '/api/tasks', bearer(second.token)],
      ['GET', '/API/tasks', bearer(carol.token)],
      ['GET', '/api/Tasks/', bearer(carol.token)],
      ['GET', '/api/tasks/', bearer(carol.token)],
      ['GET', '/api//tasks', bearer(carol.token)],
      ['GET', '//api/tasks', bearer(carol.token)],
      ['GET', '/api/tasks/./', bearer(carol.token)],
      ['HEAD', '/api/tasks', bearer(carol.token)],
      ['GET', '/api/auth/me', bearer(carol.token)],
    ];
    for (const [method, path, headers] of attempts) {
      const res = await rawRequest(h.url, method, path, headers);
      expect(res.status, `${method} ${path} ${JSON.stringify(headers)}`).toBe(429);
      expect(res.headers['retry-after']).toBeDefined();
    }
  });
});

describe('anonymous per-IP limit', () => {
  it('limits anonymous requests per client address; X-Forwarded-For rotation does not help', async () => {
    const ip = await rawRequest(
      h.url,
      'POST',
      '/api/auth/login',
      { 'content-type': 'application/json' },
      '{}',
    );
    const remaining = Number(/r=(\d+)/.exec(String(ip.headers.ratelimit))?.[1]);
    for (let i = 0; i < remaining; i++) {
      const res = await rawRequest(
        h.url,
        'POST',
        '/api/auth/login',
        { 'x-forwarded-for': `203.0.113.${i % 250}` },
        '',
      );
      expect(res.status).not.toBe(429);
    }
    expectLimited(await rawRequest(h.url, 'POST', '/api/auth/login', {}, ''));
    expectLimited(
      await rawRequest(h.url, 'POST', '/api/auth/login', { 'x-forwarded-for': '192.0.2.99' }, ''),
    );
    // Requests with a bad token are anonymous: the same bucket.
    expectLimited(await rawRequest(h.url, 'GET', '/api/tasks', bearer('garbage')));
    // An authenticated user on the same address has a bucket of their own.
    expect((await rawRequest(h.url, 'GET', '/api/tasks', bearer((await h.login()).token))).status).toBe(200);
    // The gateway's own probes and metrics are never limited.
    for (const path of ['/healthz', '/readyz', '/metrics']) {
      expect((await rawRequest(h.url, 'GET', path)).status, path).toBe(200);
    }
  });
});

describe('metrics', () => {
  it('counts decisions', async () => {
    const res = await rawRequest(h.url, 'GET', '/metrics');
    expect(res.body).toMatch(
      /gateway_rate_limit_decisions_total\{decision="denied",subject="user",backend="cache"\} \d+/,
    );
    expect(res.body).toMatch(
      /gateway_rate_limit_decisions_total\{decision="allowed",subject="ip",backend="cache"\} \d+/,
    );
  });
});

describe('when the cache is down', () => {
  it('fails open to the in-memory limiter: public requests still flow and are still limited', async () => {
    const { MemoryCacheBus, MemoryStore, CacheUnavailableError } = await import('@elwosa/runtime');
    const cache = new MemoryCacheBus({ store: new MemoryStore(), keyPrefix: `${randomUUID()}:` });
    let down = false;
    const realRateLimit = cache.rateLimit.bind(cache);
    cache.rateLimit = async (key, options) => {
      if (down) throw new CacheUnavailableError('redis down');
      return realRateLimit(key, options);
    };
    const realGet = cache.get.bind(cache);
    cache.get = async (key) => {
      if (down) throw new CacheUnavailableError('redis down');
      return realGet(key);
    };
    const h2 = await startHarness({ cache, env: { ELWOSA_RATE_LIMIT_PER_MINUTE: '3' } });
    try {
      const { token } = await h2.login();
      down = true;
      // Authenticated requests fail closed: the revocation check cannot run. The request still
      // counts, against the token's user (its signature holds), not against the address.
      const res = await rawRequest(h2.url, 'GET', '/api/tasks', bearer(token));
      expect(res.status).toBe(503);
      expect(res.headers.ratelimit).toBe('"default";r=2;t=60');
      const statuses = [];
      for (let i = 0; i < 4; i++) {
        statuses.push((await rawRequest(h2.url, 'POST', '/api/auth/login', {}, '')).status);
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
      const metrics = await rawRequest(h2.url, 'GET', '/metrics');
      expect(metrics.body).toMatch(
        /gateway_rate_limit_decisions_total\{decision="denied",subject="ip",backend="memory"\} 1/,
      );
      expect(h2.logs.join('')).toContain('using the in-memory limiter');
    } finally {
      down = false;
      await h2.stop();
    }
  });
});

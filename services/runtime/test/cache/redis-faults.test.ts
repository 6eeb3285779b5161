// Redis-only: what happens when Redis goes away and comes back. The shared server stays up; each
// test points its bus at a TCP proxy it controls and cuts or silences that.
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { haveRealRedis, TEST_REDIS_URL } from '../../../../test-support/backends.js';
import { TcpProxy } from '../../../../test-support/tcp-proxy.ts';
import type { CacheBus } from '../../src/cache/cache-bus.js';
import { CacheUnavailableError } from '../../src/cache/errors.js';
import { createCacheBus } from '../../src/cache/factory.js';
import { RedisCacheBus } from '../../src/cache/redis/redis-cache-bus.js';
import { deleteRedisKeys, newPrefix, sleep, waitFor, withRedis } from './support.js';

const cases = haveRealRedis() ? [{ name: 'redis' }] : [];
const FAST = { commandTimeoutMs: 500, connectTimeoutMs: 500, maxReconnectDelayMs: 200 };

it('runs the fault tests whenever Redis is reachable', () => {
  expect(cases.length).toBe(process.env.ELWOSA_TEST_HAVE_REDIS === '1' ? 1 : 0);
});

interface LogLine {
  level: number;
  msg: string;
  role?: string;
}

function captureLogs() {
  const lines: LogLine[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  const at = (level: number) => lines.filter((line) => line.level === level);
  return {
    logger,
    warnings: () => at(40),
    errors: () => lines.filter((l) => l.level >= 50),
    infos: () => at(30),
  };
}

/** Rejects with CacheUnavailableError, and within `withinMs`. */
async function expectFastUnavailable(call: () => Promise<unknown>, withinMs = 1000): Promise<void> {
  const started = performance.now();
  await expect(call()).rejects.toBeInstanceOf(CacheUnavailableError);
  expect(performance.now() - started).toBeLessThan(withinMs);
}

describe.each(cases)('Redis faults', () => {
  let prefix: string;
  let proxy: TcpProxy;
  let direct: CacheBus; // bypasses the proxy: the rest of the world, still connected
  const buses: CacheBus[] = [];

  async function viaProxy(): Promise<CacheBus> {
    const bus = await RedisCacheBus.connect({ url: proxy.url, keyPrefix: prefix, ...FAST });
    buses.push(bus);
    return bus;
  }

  beforeEach(async () => {
    prefix = newPrefix();
    const { hostname, port } = new URL(TEST_REDIS_URL);
    proxy = await new TcpProxy({ host: hostname, port: Number(port || 6379) }).start();
    direct = await RedisCacheBus.connect({ url: TEST_REDIS_URL, keyPrefix: prefix });
  });

  afterEach(async () => {
    await Promise.all([direct, ...buses.splice(0)].map((bus) => bus.close()));
    await proxy.close();
    await deleteRedisKeys(prefix);
  });

  it('rejects every call fast while Redis is unreachable, then heals by itself', async () => {
    const bus = await viaProxy();
    await bus.set('k', 'v');
    const received: string[] = [];
    await bus.subscribe('news', (message) => void received.push(message));

    await proxy.cut();
    await waitFor(() => bus.status() === 'unavailable', 2000, 'status unavailable');
    await expectFastUnavailable(() => bus.get('k'));
    await expectFastUnavailable(() => bus.set('k', 'w', { ttlMs: 1000 }));
    await expectFastUnavailable(() => bus.setIfAbsent('lock', 'x', 1000));
    await expectFastUnavailable(() => bus.incr('n'));
    await expectFastUnavailable(() => bus.rateLimit('r', { limit: 1, windowMs: 1000 }));
    await expectFastUnavailable(() => bus.publish('news', 'lost'));
    await expectFastUnavailable(() => bus.subscribe('other', () => {}));
    await expectFastUnavailable(() => bus.append('s', { a: '1' }));
    await expectFastUnavailable(() => bus.readRange('s', '0', 10));
    await expectFastUnavailable(() => bus.ping());
    await sleep(600); // several failed reconnect attempts: nothing may crash

    await proxy.restore();
    await waitFor(() => bus.status() === 'ready', 5000, 'reconnect');
    expect(await bus.get('k')).toBe('v');
    expect(await bus.incr('n')).toBe(1);
    // The subscription is back without subscribing again.
    await waitFor(
      async () => {
        await direct.publish('news', 'after');
        return received.includes('after');
      },
      3000,
      'delivery after resubscribe',
    );
  });

  it('rejects a call in flight when the connection drops', async () => {
    const bus = await RedisCacheBus.connect({
      url: proxy.url,
      keyPrefix: prefix,
      ...FAST,
      commandTimeoutMs: 3000,
    });
    buses.push(bus);
    proxy.pause();
    const started = performance.now();
    const inFlight = bus.get('k');
    await sleep(50);
    await proxy.cut();
    await expect(inFlight).rejects.toBeInstanceOf(CacheUnavailableError);
    // Rejected by the drop itself, not by the (3 s) command timeout.
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('times out against a silent Redis, and later replies still reach the right callers', async () => {
    const bus = await viaProxy();
    await bus.set('a', 'A');
    await bus.set('b', 'B');
    proxy.pause();
    const started = performance.now();
    await expect(bus.get('a')).rejects.toBeInstanceOf(CacheUnavailableError);
    expect(performance.now() - started).toBeGreaterThanOrEqual(400);
    expect(performance.now() - started).toBeLessThan(1000);
    proxy.resume(); // the late reply to get('a') arrives now and must not answer get('b')
    expect(await bus.get('b')).toBe('B');
    expect(await bus.get('a')).toBe('A');
  });

  it('keeps a stream consumer going through an outage', async () => {
    const bus = await viaProxy();
    const handled: string[] = [];
    const consumer = await bus.consume(
      'events',
      'g',
      'c',
      (entry) => void handled.push(entry.fields.n ?? ''),
      {
        blockMs: 200,
        claimIdleMs: 500,
      },
    );
    await direct.append('events', { n: 'before' });
    await waitFor(() => handled.includes('before'), 3000, 'delivery before the outage');
    // Delivery is at least once: an entry whose ack the cut swallows comes back after the outage.
    // Cut only once 'before' is acknowledged, so exactly one delivery of each entry is expected.
    await waitFor(
      () => withRedis(async (redis) => Number((await redis.xpending(`${prefix}events`, 'g'))[0]) === 0),
      3000,
      "the ack of 'before'",
    );

    await proxy.cut();
    await direct.append('events', { n: 'during' });
    await sleep(700);
    await proxy.restore();

    await waitFor(() => handled.includes('during'), 8000, 'delivery after the outage');
    await consumer.stop();
    expect(handled).toEqual(['before', 'during']);
  });

  it('starts while Redis is down and connects when it comes up', async () => {
    await proxy.cut();
    const bus = await createCacheBus({ redisUrl: proxy.url, keyPrefix: prefix, redis: FAST });
    buses.push(bus);
    expect(bus).toBeInstanceOf(RedisCacheBus);
    expect(bus.status()).toBe('connecting');
    await expectFastUnavailable(() => bus.get('k'));
    await proxy.restore();
    await waitFor(() => bus.status() === 'ready', 5000, 'first connection');
    await bus.set('k', 'v');
    expect(await direct.get('k')).toBe('v');
  });

  it('subscriptions made before the first connection share one wait, and all hold once Redis is up', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => void warnings.push(w);
    process.on('warning', onWarning);
    try {
      await proxy.cut();
      const bus = await createCacheBus({
        redisUrl: proxy.url,
        keyPrefix: prefix,
        redis: { ...FAST, connectTimeoutMs: 1500 },
      });
      buses.push(bus);
      const got: string[] = [];
      // More than EventEmitter's default of 10 listeners, were each call to wait on its own.
      const pending = Array.from({ length: 30 }, (_, i) =>
        bus.subscribe(`c${i}`, (message) => void got.push(message)),
      );
      await sleep(100);
      await proxy.restore();
      await Promise.all(pending);
      await Promise.all(Array.from({ length: 30 }, (_, i) => direct.publish(`c${i}`, `m${i}`)));
      await waitFor(() => got.length === 30, 3000, 'a message on every channel');
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('logs an outage once per connection, its end, and nothing for a clean shutdown', async () => {
    const logs = captureLogs();
    const bus = await RedisCacheBus.connect({
      url: proxy.url,
      keyPrefix: prefix,
      logger: logs.logger,
      ...FAST,
    });
    buses.push(bus);
    await bus.subscribe('news', () => {});
    const consumer = await bus.consume('events', 'g', 'c', () => {}, { blockMs: 200 });

    await proxy.cut();
    await sleep(800); // several failed reconnect attempts
    const lost = logs.warnings().filter((l) => l.msg === 'redis connection lost; reconnecting');
    expect(lost.map((l) => l.role).sort()).toEqual(['cache', 'stream-reader', 'subscriber']);
    expect(logs.warnings().filter((l) => l.msg.startsWith('stream consumer')).length).toBeLessThanOrEqual(1);

    await proxy.restore();
    await waitFor(
      () => logs.infos().filter((l) => l.msg === 'redis connection restored').length === 3,
      5000,
      'restored',
    );
    const before = logs.warnings().length;
    await consumer.stop();
    await bus.close();
    await sleep(100);
    expect(logs.warnings().length).toBe(before);
    expect(logs.errors()).toEqual([]);
  });
});

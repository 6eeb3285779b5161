// Shared by the cache tests: the adapters under test, per-test key prefixes and cleanup, waiting.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { haveRealRedis, TEST_REDIS_OPTIONS, TEST_REDIS_URL } from '../../../../test-support/backends.js';
import type { CacheBus } from '../../src/cache/cache-bus.js';
import { MemoryCacheBus } from '../../src/cache/memory/memory-cache-bus.js';
import { MemoryStore } from '../../src/cache/memory/memory-store.js';
import { RedisCacheBus } from '../../src/cache/redis/redis-cache-bus.js';

export interface AdapterCase {
  name: string;
  /** Buses created with the same prefix share data, like two clients of one server. */
  create(keyPrefix: string): Promise<CacheBus>;
  cleanup(keyPrefix: string): Promise<void>;
}

const memoryStore = new MemoryStore();

export const memoryAdapter: AdapterCase = {
  name: 'in-process',
  create: async (keyPrefix) => new MemoryCacheBus({ keyPrefix, store: memoryStore }),
  cleanup: async () => {},
};

export const redisAdapter: AdapterCase = {
  name: 'redis',
  create: (keyPrefix) => RedisCacheBus.connect({ url: TEST_REDIS_URL, keyPrefix, ...TEST_REDIS_OPTIONS }),
  cleanup: deleteRedisKeys,
};

/** Redis whenever it is reachable (CI guarantees it is via ELWOSA_REQUIRE_REAL_BACKENDS=1). */
export function adaptersUnderTest(): AdapterCase[] {
  return haveRealRedis() ? [memoryAdapter, redisAdapter] : [memoryAdapter];
}

export function newPrefix(): string {
  return `test:cache:${randomUUID()}:`;
}

export async function withRedis<T>(use: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(TEST_REDIS_URL);
  try {
    return await use(redis);
  } finally {
    redis.disconnect();
  }
}

export async function deleteRedisKeys(keyPrefix: string): Promise<void> {
  await withRedis(async (redis) => {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 3000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

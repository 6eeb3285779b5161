import type { Logger } from 'pino';
import type { CacheBus } from './cache-bus.js';
import { MemoryCacheBus } from './memory/memory-cache-bus.js';
import { RedisCacheBus, type RedisCacheBusOptions } from './redis/redis-cache-bus.js';

export interface CreateCacheBusOptions {
  /** Redis when given (REDIS_URL); the process-wide in-process bus otherwise (all-in-one mode). */
  redisUrl?: string | undefined;
  /** Prepended to every key, channel and stream name. */
  keyPrefix?: string | undefined;
  logger?: Logger | undefined;
  /** Entries a stream keeps (approximately, in Redis). Default DEFAULT_STREAM_MAX_LEN. */
  streamMaxLen?: number | undefined;
  /** Redis tuning (timeouts, reconnect backoff); ignored in process. */
  redis?: Omit<RedisCacheBusOptions, 'url' | 'keyPrefix' | 'logger' | 'streamMaxLen'>;
}

/** Resolves once connected (or after the connect timeout, still healing in the background). */
export async function createCacheBus(options: CreateCacheBusOptions = {}): Promise<CacheBus> {
  const common = {
    ...(options.keyPrefix !== undefined && { keyPrefix: options.keyPrefix }),
    ...(options.logger !== undefined && { logger: options.logger }),
    ...(options.streamMaxLen !== undefined && { streamMaxLen: options.streamMaxLen }),
  };
  if (options.redisUrl) return RedisCacheBus.connect({ ...options.redis, ...common, url: options.redisUrl });
  return new MemoryCacheBus(common);
}

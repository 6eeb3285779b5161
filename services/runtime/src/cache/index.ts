export type {
  AppendOptions,
  CacheBus,
  CacheBusStatus,
  ConsumeOptions,
  IncrOptions,
  MessageHandler,
  RateLimitOptions,
  RateLimitResult,
  SetOptions,
  StreamConsumer,
  StreamEntry,
  StreamFields,
  StreamHandler,
  Unsubscribe,
} from './cache-bus.js';
export { DEFAULT_STREAM_MAX_LEN } from './cache-bus.js';
export { CacheUnavailableError } from './errors.js';
export { type CreateCacheBusOptions, createCacheBus } from './factory.js';
export { getJson, setJson } from './json.js';
export { MemoryCacheBus, type MemoryCacheBusOptions } from './memory/memory-cache-bus.js';
export { MemoryStore } from './memory/memory-store.js';
export { RedisCacheBus, type RedisCacheBusOptions } from './redis/redis-cache-bus.js';
export { compareStreamIds, parseStreamId } from './stream-ids.js';

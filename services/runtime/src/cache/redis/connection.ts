// Opening ioredis connections that fail fast and heal by themselves: no offline queue (a call
// while disconnected rejects at once), in-flight calls rejected when the socket drops, a command
// timeout for a silent peer, reconnect with capped exponential backoff, and every connection
// error observed so none can crash the process.
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { CacheUnavailableError } from '../errors.js';

export interface ConnectionSettings {
  url: string;
  /** A call without a reply after this long rejects. */
  commandTimeoutMs: number;
  connectTimeoutMs: number;
  maxReconnectDelayMs: number;
  logger?: Logger | undefined;
}

/** Reconnect delay after the `attempt`-th failure: 50 ms doubling, capped, plus up to 10 % jitter. */
export function reconnectDelayMs(attempt: number, maxMs: number, random: () => number = Math.random): number {
  const base = Math.min(50 * 2 ** Math.min(Math.max(0, attempt - 1), 20), maxMs);
  return Math.round(base + base * 0.1 * random());
}

/** `role` names the connection in logs and in Redis CLIENT LIST. */
export function openConnection(settings: ConnectionSettings, role: string, extraTimeoutMs = 0): Redis {
  const redis = new Redis(settings.url, {
    connectionName: `elwosa-${role}`,
    // Commands issued in the same tick share one write (fewer syscalls under load). Only the
    // command connection: subscriber mode and blocking reads do not pipeline.
    enableAutoPipelining: role === 'cache',
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    autoResubscribe: false,
    commandTimeout: settings.commandTimeoutMs + extraTimeoutMs,
    connectTimeout: settings.connectTimeoutMs,
    retryStrategy: (attempt) => reconnectDelayMs(attempt, settings.maxReconnectDelayMs),
  });
  watchHealth(redis, role, settings.logger);
  return redis;
}

function watchHealth(redis: Redis, role: string, logger: Logger | undefined): void {
  let lost = false;
  redis.on('error', (err: unknown) => logger?.debug({ err, role }, 'redis connection error'));
  // 'reconnecting' (not 'close'): a deliberate disconnect() closes without it and is no outage.
  redis.on('reconnecting', () => {
    if (!lost) logger?.warn({ role }, 'redis connection lost; reconnecting');
    lost = true;
  });
  redis.on('ready', () => {
    if (lost) logger?.info({ role }, 'redis connection restored');
    lost = false;
  });
}

/** Resolves when `redis` is ready; rejects with CacheUnavailableError after `timeoutMs`. */
export function waitReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const finish = (err?: Error) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      redis.off('end', onEnd);
      if (err) reject(err);
      else resolve();
    };
    const onReady = () => finish();
    const onEnd = () => finish(new CacheUnavailableError('redis connection closed'));
    const timer = setTimeout(
      () => finish(new CacheUnavailableError(`redis not ready after ${timeoutMs} ms (${redis.status})`)),
      timeoutMs,
    );
    redis.on('ready', onReady);
    redis.on('end', onEnd);
  });
}

/** Redis replied with an error (wrong type, NOGROUP …): a real answer, not an outage. */
export function isReplyError(err: unknown): err is Error {
  return err instanceof Error && err.name === 'ReplyError';
}

/** Anything but a reply error means Redis could not be reached in time. */
export function toCacheError(err: unknown): unknown {
  if (err instanceof CacheUnavailableError || isReplyError(err)) return err;
  const reason = err instanceof Error ? err.message : String(err);
  return new CacheUnavailableError(`redis unavailable: ${reason}`, { cause: err });
}

/** Awaits a Redis call, translating connection failures into CacheUnavailableError. */
export async function guard<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (err) {
    throw toCacheError(err);
  }
}

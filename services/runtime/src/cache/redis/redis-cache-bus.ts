// The Redis adapter (production): one shared connection for commands, one for pub/sub, one per
// stream consumer for its blocking reads. Every call fails fast with CacheUnavailableError while
// Redis is unreachable, and the connections heal by themselves when it returns.
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import {
  type Announcement,
  type AppendOptions,
  type CacheBus,
  type CacheBusStatus,
  type ConsumeOptions,
  DEFAULT_STREAM_MAX_LEN,
  type IncrOptions,
  type MessageHandler,
  type RateLimitOptions,
  type RateLimitResult,
  type SetOptions,
  type StreamConsumer,
  type StreamEntry,
  type StreamFields,
  type StreamHandler,
  type Unsubscribe,
} from '../cache-bus.js';
import { resolveConsumeOptions, startConsumer } from '../consumer-loop.js';
import { CacheUnavailableError } from '../errors.js';
import { type Namer, prefixer } from '../key-prefix.js';
import { Resources } from '../resources.js';
import { toRateLimitResult } from '../sliding-window.js';
import { normalizeStreamId } from '../stream-ids.js';
import { assertFields, assertOptionalTtl, assertPositiveInt, assertSafeInt } from '../validation.js';
import { type ConnectionSettings, guard, openConnection, waitReady } from './connection.js';
import { RedisGroupReader } from './group-reader.js';
import { toEntries } from './replies.js';
import { defineScripts, type ScriptedRedis } from './scripts.js';
import { RedisSubscriber } from './subscriber.js';

export interface RedisCacheBusOptions {
  url: string;
  /** Prepended to every key, channel and stream name. */
  keyPrefix?: string;
  logger?: Logger;
  /** A call without a reply after this long rejects with CacheUnavailableError. Default 1000. */
  commandTimeoutMs?: number;
  /** Default 2000. Also how long startup, the first subscribe and consume wait for a connection. */
  connectTimeoutMs?: number;
  /** Reconnect backoff cap. Default 2000. */
  maxReconnectDelayMs?: number;
  streamMaxLen?: number;
}

export class RedisCacheBus implements CacheBus {
  private readonly settings: ConnectionSettings;
  private readonly client: ScriptedRedis;
  private readonly name: Namer;
  private readonly logger: Logger | undefined;
  private readonly streamMaxLen: number;
  private readonly resources = new Resources();
  private subscriber: RedisSubscriber | undefined;
  /** Makes rate-limit log members unique across processes and calls. */
  private readonly memberPrefix = randomBytes(6).toString('base64url');
  private memberSeq = 0;
  private everReady = false;
  private closed = false;

  /** Connects (waiting up to connectTimeoutMs). If Redis is down the bus starts `connecting` and heals later. */
  static async connect(options: RedisCacheBusOptions): Promise<RedisCacheBus> {
    const bus = new RedisCacheBus(options);
    try {
      await waitReady(bus.client, bus.settings.connectTimeoutMs);
    } catch (err) {
      bus.logger?.warn({ err }, 'redis not reachable at startup; the cache bus will keep trying');
    }
    return bus;
  }

  private constructor(options: RedisCacheBusOptions) {
    this.settings = {
      url: options.url,
      commandTimeoutMs: options.commandTimeoutMs ?? 1000,
      connectTimeoutMs: options.connectTimeoutMs ?? 2000,
      maxReconnectDelayMs: options.maxReconnectDelayMs ?? 2000,
      logger: options.logger,
    };
    assertPositiveInt('commandTimeoutMs', this.settings.commandTimeoutMs);
    assertPositiveInt('connectTimeoutMs', this.settings.connectTimeoutMs);
    assertPositiveInt('maxReconnectDelayMs', this.settings.maxReconnectDelayMs);
    this.name = prefixer(options.keyPrefix);
    this.logger = options.logger;
    this.streamMaxLen = options.streamMaxLen ?? DEFAULT_STREAM_MAX_LEN;
    assertPositiveInt('streamMaxLen', this.streamMaxLen);
    this.client = defineScripts(openConnection(this.settings, 'cache'));
    this.client.on('ready', () => {
      this.everReady = true;
    });
  }

  get(key: string): Promise<string | null> {
    return this.call((redis) => redis.get(this.name(key)));
  }

  async set(key: string, value: string, options: SetOptions = {}): Promise<void> {
    assertOptionalTtl(options.ttlMs);
    const name = this.name(key);
    const { ttlMs } = options;
    await this.call((redis) =>
      ttlMs === undefined ? redis.set(name, value) : redis.set(name, value, 'PX', ttlMs),
    );
  }

  async del(key: string): Promise<boolean> {
    return (await this.call((redis) => redis.del(this.name(key)))) > 0;
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    assertPositiveInt('ttlMs', ttlMs);
    return (await this.call((redis) => redis.set(this.name(key), value, 'PX', ttlMs, 'NX'))) === 'OK';
  }

  async incr(key: string, by = 1, options: IncrOptions = {}): Promise<number> {
    assertSafeInt('by', by);
    assertOptionalTtl(options.ttlMs);
    return Number(await this.call((redis) => redis.elwosaIncr(this.name(key), by, options.ttlMs ?? 0)));
  }

  async rateLimit(key: string, options: RateLimitOptions): Promise<RateLimitResult> {
    assertPositiveInt('limit', options.limit);
    assertPositiveInt('windowMs', options.windowMs);
    const member = `${this.memberPrefix}:${(this.memberSeq++).toString(36)}`;
    const [allowed, count, now, oldest, newest] = await this.call((redis) =>
      redis.elwosaSlidingWindow(this.name(key), options.limit, options.windowMs, member),
    );
    return toRateLimitResult({ allowed: Number(allowed) === 1, count, now, oldest, newest }, options);
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.call((redis) => redis.publish(this.name(channel), message));
  }

  async subscribe(channel: string, handler: MessageHandler): Promise<Unsubscribe> {
    this.assertOpen();
    this.subscriber ??= new RedisSubscriber(
      openConnection(this.settings, 'subscriber'),
      this.settings.connectTimeoutMs,
      this.logger,
    );
    const unsubscribe = await this.subscriber.subscribe(this.name(channel), channel, handler);
    return this.resources.add(unsubscribe);
  }

  async append(stream: string, fields: StreamFields, options: AppendOptions = {}): Promise<string> {
    const maxLen = this.appendMaxLen(fields, options);
    const args = Object.entries(fields).flat();
    const id = await this.call((redis) => redis.xadd(this.name(stream), 'MAXLEN', '~', maxLen, '*', ...args));
    return assertStreamId(id);
  }

  async appendAndPublish(
    stream: string,
    fields: StreamFields,
    announcement: Announcement,
    options: AppendOptions = {},
  ): Promise<string> {
    const maxLen = this.appendMaxLen(fields, options);
    const { channel, prefix, suffix } = announcement;
    const id = await this.call((redis) =>
      redis.elwosaAppendAndPublish(
        this.name(stream),
        maxLen,
        this.name(channel),
        prefix,
        suffix,
        ...Object.entries(fields).flat(),
      ),
    );
    return assertStreamId(id);
  }

  private appendMaxLen(fields: StreamFields, options: AppendOptions): number {
    assertFields(fields);
    const maxLen = options.maxLen ?? this.streamMaxLen;
    assertPositiveInt('maxLen', maxLen);
    return maxLen;
  }

  async readRange(stream: string, afterId: string, count: number): Promise<StreamEntry[]> {
    const after = normalizeStreamId(afterId);
    assertPositiveInt('count', count);
    return toEntries(
      await this.call((redis) => redis.xrange(this.name(stream), `(${after}`, '+', 'COUNT', count)),
    );
  }

  async lastEntryId(stream: string): Promise<string | null> {
    const [newest] = toEntries(
      await this.call((redis) => redis.xrevrange(this.name(stream), '+', '-', 'COUNT', 1)),
    );
    return newest?.id ?? null;
  }

  async consume(
    stream: string,
    group: string,
    consumer: string,
    handler: StreamHandler,
    options?: ConsumeOptions,
  ): Promise<StreamConsumer> {
    this.assertOpen();
    const resolved = resolveConsumeOptions(options);
    // The blocking read may legitimately take blockMs before the reply starts.
    const blocking = openConnection(this.settings, 'stream-reader', resolved.blockMs);
    try {
      await waitReady(blocking, this.settings.connectTimeoutMs);
    } catch (err) {
      blocking.disconnect();
      throw err;
    }
    const reader = new RedisGroupReader(this.client, blocking, {
      stream: this.name(stream),
      group,
      consumer,
      startFrom: resolved.startFrom,
    });
    const running = await startConsumer(reader, handler, resolved, {
      logger: this.logger,
      labels: { stream, group, consumer },
    });
    return { stop: this.resources.add(() => running.stop()) };
  }

  async ping(): Promise<number> {
    const started = performance.now();
    await this.call((redis) => redis.ping());
    return performance.now() - started;
  }

  status(): CacheBusStatus {
    if (this.closed) return 'closed';
    if (this.client.status === 'ready') return 'ready';
    return this.everReady ? 'unavailable' : 'connecting';
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.resources.releaseAll();
    this.subscriber?.close();
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }

  private async call<T>(command: (redis: ScriptedRedis) => Promise<T>): Promise<T> {
    this.assertOpen();
    return guard(command(this.client));
  }

  private assertOpen(): void {
    if (this.closed) throw new CacheUnavailableError('cache bus is closed');
  }
}

function assertStreamId(id: unknown): string {
  if (typeof id !== 'string') throw new Error('XADD returned no id');
  return id;
}

// The in-process adapter (all-in-one mode, tests): same contract and guarantees as Redis, on a
// MemoryStore that several buses in one process can share.
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
import { deliverMessage } from '../handlers.js';
import { type Namer, prefixer } from '../key-prefix.js';
import { Resources } from '../resources.js';
import { slideAndTry, toRateLimitResult } from '../sliding-window.js';
import { parseStreamId } from '../stream-ids.js';
import { assertFields, assertOptionalTtl, assertPositiveInt, assertSafeInt } from '../validation.js';
import { MemoryGroupReader } from './memory-group-reader.js';
import { type MemoryStore, processMemoryStore } from './memory-store.js';

export interface MemoryCacheBusOptions {
  keyPrefix?: string;
  logger?: Logger;
  /** Defaults to the process-wide store, so buses in one process see each other's data and messages. */
  store?: MemoryStore;
  streamMaxLen?: number;
}

const INTEGER = /^-?\d+$/;

export class MemoryCacheBus implements CacheBus {
  private readonly store: MemoryStore;
  private readonly name: Namer;
  private readonly logger: Logger | undefined;
  private readonly streamMaxLen: number;
  private readonly resources = new Resources();
  private closed = false;

  constructor(options: MemoryCacheBusOptions = {}) {
    this.store = options.store ?? processMemoryStore();
    this.name = prefixer(options.keyPrefix);
    this.logger = options.logger;
    this.streamMaxLen = options.streamMaxLen ?? DEFAULT_STREAM_MAX_LEN;
    assertPositiveInt('streamMaxLen', this.streamMaxLen);
  }

  async get(key: string): Promise<string | null> {
    this.assertOpen();
    return this.store.strings.get(this.name(key), this.store.now()) ?? null;
  }

  async set(key: string, value: string, options: SetOptions = {}): Promise<void> {
    this.assertOpen();
    assertOptionalTtl(options.ttlMs);
    this.store.strings.set(this.name(key), value, this.expiry(options.ttlMs));
  }

  async del(key: string): Promise<boolean> {
    this.assertOpen();
    const name = this.name(key);
    const now = this.store.now();
    const removed = [
      this.store.strings.delete(name, now),
      this.store.rateLogs.delete(name, now),
      this.store.streams.delete(name),
    ];
    return removed.includes(true);
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    this.assertOpen();
    assertPositiveInt('ttlMs', ttlMs);
    const name = this.name(key);
    if (this.store.strings.get(name, this.store.now()) !== undefined) return false;
    this.store.strings.set(name, value, this.expiry(ttlMs));
    return true;
  }

  async incr(key: string, by = 1, options: IncrOptions = {}): Promise<number> {
    this.assertOpen();
    assertSafeInt('by', by);
    assertOptionalTtl(options.ttlMs);
    const name = this.name(key);
    const current = this.store.strings.get(name, this.store.now());
    if (current === undefined) {
      this.store.strings.set(name, String(by), this.expiry(options.ttlMs));
      return by;
    }
    const next = Number(current) + by;
    if (!INTEGER.test(current) || !Number.isSafeInteger(next)) {
      throw new Error('ERR value is not an integer or out of range');
    }
    this.store.strings.update(name, String(next));
    return next;
  }

  async rateLimit(key: string, options: RateLimitOptions): Promise<RateLimitResult> {
    this.assertOpen();
    assertPositiveInt('limit', options.limit);
    assertPositiveInt('windowMs', options.windowMs);
    const name = this.name(key);
    const now = this.store.now();
    const log = this.store.rateLogs.get(name, now) ?? [];
    const state = slideAndTry(log, now, options);
    if (state.allowed) this.store.rateLogs.set(name, log, state.newest + options.windowMs);
    return toRateLimitResult(state, options);
  }

  async publish(channel: string, message: string): Promise<void> {
    this.assertOpen();
    this.store.pubsub.publish(this.name(channel), message);
  }

  async subscribe(channel: string, handler: MessageHandler): Promise<Unsubscribe> {
    this.assertOpen();
    const off = this.store.pubsub.subscribe(this.name(channel), (message) => {
      if (!this.closed) deliverMessage(handler, message, channel, this.logger);
    });
    return this.resources.add(async () => off());
  }

  async append(stream: string, fields: StreamFields, options: AppendOptions = {}): Promise<string> {
    this.assertOpen();
    assertFields(fields);
    const maxLen = options.maxLen ?? this.streamMaxLen;
    assertPositiveInt('maxLen', maxLen);
    return this.store.stream(this.name(stream)).append(fields, maxLen, this.store.now());
  }

  async appendAndPublish(
    stream: string,
    fields: StreamFields,
    announcement: Announcement,
    options: AppendOptions = {},
  ): Promise<string> {
    const id = await this.append(stream, fields, options);
    this.store.pubsub.publish(
      this.name(announcement.channel),
      `${announcement.prefix}${id}${announcement.suffix}`,
    );
    return id;
  }

  async readRange(stream: string, afterId: string, count: number): Promise<StreamEntry[]> {
    this.assertOpen();
    const after = parseStreamId(afterId);
    assertPositiveInt('count', count);
    return this.store.streams.get(this.name(stream))?.range(after, count) ?? [];
  }

  async lastEntryId(stream: string): Promise<string | null> {
    this.assertOpen();
    return this.store.streams.get(this.name(stream))?.lastEntryId() ?? null;
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
    const reader = new MemoryGroupReader(this.store, this.name(stream), group, consumer, resolved.startFrom);
    const running = await startConsumer(reader, handler, resolved, {
      logger: this.logger,
      labels: { stream, group, consumer },
    });
    return { stop: this.resources.add(() => running.stop()) };
  }

  async ping(): Promise<number> {
    this.assertOpen();
    return 0;
  }

  status(): CacheBusStatus {
    return this.closed ? 'closed' : 'ready';
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.resources.releaseAll();
  }

  private assertOpen(): void {
    if (this.closed) throw new CacheUnavailableError('cache bus is closed');
  }

  private expiry(ttlMs: number | undefined): number {
    return ttlMs === undefined ? Number.POSITIVE_INFINITY : this.store.now() + ttlMs;
  }
}

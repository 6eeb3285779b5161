// The shared cache/bus contract every service uses for ephemeral state (cache entries, locks,
// counters, rate limits), real-time fan-out (pub/sub) and durable domain events (streams with
// consumer groups). Two adapters implement it: Redis (production) and in-process (all-in-one).
// All values are strings; JSON is the caller's business (see json.ts for two small helpers).

/** `connecting` before the first connection, `unavailable` after losing it (it recovers by itself). */
export type CacheBusStatus = 'connecting' | 'ready' | 'unavailable' | 'closed';

export interface SetOptions {
  /** Time to live in milliseconds; omitted = no expiry. */
  ttlMs?: number;
}

export interface IncrOptions {
  /** Applied only when this call creates the counter. */
  ttlMs?: number;
}

export interface RateLimitOptions {
  /** Requests allowed in any window of `windowMs`. */
  limit: number;
  windowMs: number;
}

export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  /** Requests still allowed in the current window after this decision. */
  remaining: number;
  /** Milliseconds until the window is empty again (the full quota is back). */
  resetMs: number;
  /** 0 when allowed; otherwise milliseconds until the oldest counted request leaves the window. */
  retryAfterMs: number;
}

export type MessageHandler = (message: string, channel: string) => void | Promise<void>;
export type Unsubscribe = () => Promise<void>;

export type StreamFields = Record<string, string>;

export interface StreamEntry {
  /** Redis stream id `<ms>-<seq>`; ids increase strictly within a stream. */
  id: string;
  fields: StreamFields;
}

export interface AppendOptions {
  /** Keep about this many entries (Redis trims approximately, never below it). */
  maxLen?: number;
}

/** The message `appendAndPublish` sends: `prefix`, the new entry's id, `suffix`. */
export interface Announcement {
  channel: string;
  prefix: string;
  suffix: string;
}

export type StreamHandler = (entry: StreamEntry) => void | Promise<void>;

export interface ConsumeOptions {
  /** Entries fetched per read. Default 10. */
  batchSize?: number;
  /** Longest a read blocks waiting for new entries; bounds how long stop() can take. Default 1000. */
  blockMs?: number;
  /**
   * Pending entries idle longer than this (a failed or crashed handler) are redelivered. Keep it
   * above the slowest handler, or a slow success is delivered a second time. Default 30 000.
   */
  claimIdleMs?: number;
  /** Where a group created by this call starts: only new entries (default) or the whole stream. */
  startFrom?: 'new' | 'beginning';
}

export interface StreamConsumer {
  /** Stops reading; resolves once the handler in flight (if any) has finished. */
  stop(): Promise<void>;
}

export interface CacheBus {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, options?: SetOptions): Promise<void>;
  /** Resolves true when the key existed. */
  del(key: string): Promise<boolean>;
  /** Sets the key only if it does not exist (locks, idempotency keys). Resolves true for the winner. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Atomic counter; resolves the new value. */
  incr(key: string, by?: number, options?: IncrOptions): Promise<number>;

  /** Exact sliding-log limiter: at most `limit` allowed in any `windowMs`; denied calls are not counted. */
  rateLimit(key: string, options: RateLimitOptions): Promise<RateLimitResult>;

  /** Fire-and-forget fan-out to the subscribers connected right now. */
  publish(channel: string, message: string): Promise<void>;
  /** Resolves once the subscription is active. */
  subscribe(channel: string, handler: MessageHandler): Promise<Unsubscribe>;

  /** Appends a durable event; resolves its id. */
  append(stream: string, fields: StreamFields, options?: AppendOptions): Promise<string>;
  /**
   * Appends an entry and publishes `prefix + id + suffix` on the channel in one atomic step (one
   * round trip with Redis): subscribers learn the entry's id, and messages of one stream go out
   * in the order of their ids. Resolves the id.
   */
  appendAndPublish(
    stream: string,
    fields: StreamFields,
    announcement: Announcement,
    options?: AppendOptions,
  ): Promise<string>;
  /** Up to `count` entries with an id greater than `afterId` (`0` = from the start), oldest first. */
  readRange(stream: string, afterId: string, count: number): Promise<StreamEntry[]>;
  /** The id of the newest entry, or null when the stream has none. */
  lastEntryId(stream: string): Promise<string | null>;
  /**
   * At-least-once consumption in a consumer group (created on demand): each entry goes to one
   * consumer of the group, is acknowledged after `handler` resolves, and is redelivered when the
   * handler throws (after `claimIdleMs`). Resolves once the group exists and reading has started.
   */
  consume(
    stream: string,
    group: string,
    consumer: string,
    handler: StreamHandler,
    options?: ConsumeOptions,
  ): Promise<StreamConsumer>;

  /** Round trip in milliseconds; rejects with CacheUnavailableError when the backend is unreachable. */
  ping(): Promise<number>;
  status(): CacheBusStatus;
  /** Stops consumers, drops subscriptions and releases connections. Idempotent. */
  close(): Promise<void>;
}

/** Entries a stream keeps when neither the bus nor the append call says otherwise. */
export const DEFAULT_STREAM_MAX_LEN = 10_000;

// A keyed, de-duplicating work queue: a key is queued at most once, never processed by two
// workers at once (a key added while processing is re-queued when done), and failed keys are
// re-queued after max(per-key exponential backoff, global token bucket) — client-go's default
// controller rate limiter: the bucket limits retries overall, plain adds are not delayed.
import { ItemBackoff, TokenBucket } from './rate-limit.js';

export interface WorkResult {
  /** Process the key again after this delay (polling waits). */
  requeueAfterMs?: number;
}

export interface WorkQueueOptions {
  concurrency: number;
  qps: number;
  burst: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
}

export const DEFAULT_QUEUE_OPTIONS: WorkQueueOptions = {
  concurrency: 4,
  qps: 10,
  burst: 100,
  backoffBaseMs: 5,
  backoffMaxMs: 1_000_000,
};

export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly backoff: ItemBackoff<string>;
  private readonly bucket: TokenBucket;
  private readonly options: WorkQueueOptions;
  private active = 0;
  private running = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly worker: (key: string) => Promise<WorkResult>,
    options: Partial<WorkQueueOptions> = {},
    private readonly onError: (key: string, err: unknown) => void = () => {},
  ) {
    this.options = { ...DEFAULT_QUEUE_OPTIONS, ...options };
    this.backoff = new ItemBackoff(this.options.backoffBaseMs, this.options.backoffMaxMs);
    this.bucket = new TokenBucket(this.options.qps, this.options.burst);
  }

  get depth(): number {
    return this.queue.length;
  }

  start(): void {
    this.running = true;
    this.pump();
  }

  /** Stop handing out keys; resolves when in-flight work finished. */
  async stop(): Promise<void> {
    this.running = false;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    await this.idle();
  }

  add(key: string): void {
    if (this.processing.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    this.queued.add(key);
    this.queue.push(key);
    this.pump();
  }

  addAfter(key: string, ms: number): void {
    const existing = this.timers.get(key);
    if (existing) clearTimeout(existing);
    const t = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, ms);
    t.unref();
    this.timers.set(key, t);
  }

  /** Resolves when nothing is queued or processing. */
  idle(): Promise<void> {
    if (this.active === 0 && (this.queue.length === 0 || !this.running)) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.running && this.active < this.options.concurrency && this.queue.length > 0) {
      const key = this.queue.shift() as string;
      this.queued.delete(key);
      this.processing.add(key);
      this.active++;
      void this.process(key);
    }
    if (this.active === 0 && (this.queue.length === 0 || !this.running)) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private async process(key: string): Promise<void> {
    try {
      const result = await this.worker(key);
      this.backoff.forget(key);
      if (result.requeueAfterMs !== undefined && this.running) this.addAfter(key, result.requeueAfterMs);
    } catch (err) {
      this.onError(key, err);
      if (this.running) this.addAfter(key, Math.max(this.backoff.next(key), this.bucket.reserve()));
    } finally {
      this.processing.delete(key);
      this.active--;
      if (this.dirty.delete(key)) this.add(key);
      this.pump();
    }
  }
}

// The data behind in-process cache buses. Several buses may share one store (as several Redis
// clients share one server): all-in-one mode runs every service on the process-wide store, so
// pub/sub and streams connect them exactly as Redis would.
import { ExpiringMap } from './expiring-map.js';
import { MemoryPubSub } from './memory-pubsub.js';
import { MemoryStream } from './memory-stream.js';

const SWEEP_INTERVAL_MS = 30_000;

export class MemoryStore {
  readonly strings = new ExpiringMap<string>();
  /** Sliding-log timestamps per rate-limit key (sorted ascending). */
  readonly rateLogs = new ExpiringMap<number[]>();
  readonly streams = new Map<string, MemoryStream>();
  readonly pubsub = new MemoryPubSub();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly clock: () => number = Date.now) {
    this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  now(): number {
    return this.clock();
  }

  stream(name: string): MemoryStream {
    let stream = this.streams.get(name);
    if (stream === undefined) {
      stream = new MemoryStream();
      this.streams.set(name, stream);
    }
    return stream;
  }

  /** Removes expired entries that were never read again. */
  sweep(): void {
    const now = this.now();
    this.strings.sweep(now);
    this.rateLogs.sweep(now);
  }

  /** Stops the background sweep (stores are otherwise kept for the life of the process). */
  dispose(): void {
    clearInterval(this.sweeper);
  }
}

let processStore: MemoryStore | undefined;

/** The store shared by every in-process bus created without an explicit one. */
export function processMemoryStore(): MemoryStore {
  processStore ??= new MemoryStore();
  return processStore;
}

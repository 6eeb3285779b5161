// Bounds how many expensive operations (argon2 hashes) run at once; the rest wait in a bounded
// queue, and a full queue fails fast instead of piling up memory and latency.

export class QueueFullError extends Error {
  override readonly name = 'QueueFullError';
}

export class ConcurrencyLimit {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly max: number,
    private readonly maxQueue: number,
  ) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) {
      if (this.waiting.length >= this.maxQueue) throw new QueueFullError('too many concurrent operations');
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }

  get inFlight(): number {
    return this.active;
  }
}

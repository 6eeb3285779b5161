// The informer cache shows the operator's own writes a few milliseconds late. A reconcile running
// in that window would see the old object and send the same intent again (and repeat Events).
// WriteMemo remembers what was written on top of which resourceVersion: while the cache still
// shows that resourceVersion (and for at most ttlMs), the write is known to have happened.

interface Entry<T> {
  basedOn: string | undefined;
  value: T;
  at: number;
}

export class WriteMemo<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private writesSinceSweep = 0;

  constructor(
    private readonly ttlMs = 5000,
    private readonly clock: () => number = Date.now,
  ) {}

  /** `value` was written for `key` while the cache showed `basedOn` (undefined: absent). */
  remember(key: string, basedOn: string | undefined, value: T): void {
    this.entries.set(key, { basedOn, value, at: this.clock() });
    if (++this.writesSinceSweep >= 1000) this.sweep();
  }

  /** The value written for `key` if the cache (now at `currentRv`) has not caught up with it yet. */
  pending(key: string, currentRv: string | undefined): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.basedOn !== currentRv || this.clock() - entry.at > this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  private sweep(): void {
    this.writesSinceSweep = 0;
    const now = this.clock();
    for (const [key, entry] of this.entries) if (now - entry.at > this.ttlMs) this.entries.delete(key);
  }
}

/** A Map whose entries can expire; expired entries are invisible and removed lazily or by sweep(). */
export class ExpiringMap<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();

  get(key: string, now: number): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** `expiresAt` in epoch ms; Infinity = never. */
  set(key: string, value: V, expiresAt: number): void {
    this.entries.set(key, { value, expiresAt });
  }

  /** Replaces the value of a live entry, keeping its expiry (no-op when absent). */
  update(key: string, value: V): void {
    const entry = this.entries.get(key);
    if (entry) entry.value = value;
  }

  /** Keeps the value, changes the expiry (no-op when absent). */
  expireAt(key: string, expiresAt: number): void {
    const entry = this.entries.get(key);
    if (entry) entry.expiresAt = expiresAt;
  }

  delete(key: string, now: number): boolean {
    const live = this.get(key, now) !== undefined;
    this.entries.delete(key);
    return live;
  }

  sweep(now: number): void {
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}

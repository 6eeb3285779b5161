// What a bus must release on close(): subscriptions and running consumers.
export class Resources {
  private readonly releasers = new Set<() => Promise<void>>();

  /** Registers a release function; the returned wrapper runs it once and forgets it. */
  add(release: () => Promise<void>): () => Promise<void> {
    let running: Promise<void> | undefined;
    const once = () => {
      running ??= release().finally(() => this.releasers.delete(once));
      return running;
    };
    this.releasers.add(once);
    return once;
  }

  async releaseAll(): Promise<void> {
    await Promise.allSettled([...this.releasers].map((release) => release()));
  }
}

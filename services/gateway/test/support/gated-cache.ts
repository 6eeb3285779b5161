// A cache bus whose log reads (readRange) can be held at a gate, so a test can publish events
// while a resume's replay is in progress — either before the read reaches the cache or after —
// and whose subscriptions can be made to fail (the cache refusing only those).
import { type CacheBus, CacheUnavailableError } from '@elwosa/runtime';
import { overrideCache } from '../../../../test-support/cache-overrides.ts';

export interface Gate {
  /** Resolves when a held read is waiting at the gate. */
  entered: Promise<void>;
  release(): void;
}

export interface GatedCache {
  cache: CacheBus;
  /** Holds the next readRange `before` or `after` it reads from the underlying cache. */
  holdNextRead(where: 'before' | 'after'): Gate;
  /** While on, subscribe rejects with CacheUnavailableError. */
  failSubscribes(on: boolean): void;
}

export function gateReads(inner: CacheBus): GatedCache {
  let pending: { where: 'before' | 'after'; enter: () => void; released: Promise<void> } | undefined;
  let subscribesFail = false;
  const refuse = async () => Promise.reject(new CacheUnavailableError('subscribe refused by the test'));
  const readRange: CacheBus['readRange'] = async (stream, afterId, count) => {
    const gate = pending;
    pending = undefined;
    if (gate?.where === 'before') {
      gate.enter();
      await gate.released;
    }
    const entries = await inner.readRange(stream, afterId, count);
    if (gate?.where === 'after') {
      gate.enter();
      await gate.released;
    }
    return entries;
  };
  const cache = overrideCache(inner, () =>
    subscribesFail ? { readRange, subscribe: refuse } : { readRange },
  );
  return {
    cache,
    holdNextRead(where) {
      let enter!: () => void;
      let release!: () => void;
      const entered = new Promise<void>((r) => {
        enter = r;
      });
      const released = new Promise<void>((r) => {
        release = r;
      });
      pending = { where, enter, released };
      return { entered, release };
    },
    failSubscribes(on) {
      subscribesFail = on;
    },
  };
}

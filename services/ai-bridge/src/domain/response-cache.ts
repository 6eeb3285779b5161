// The Redis response cache (through the CacheBus): answers stored for `ttlMs`, and stampede
// protection — of all concurrent identical misses only one calls the model. Within a process
// followers await the leader's promise; across processes the leader holds a lock and followers
// poll for the entry until it appears or the lock goes away (then they call the model
// themselves).
import type { CacheBus } from '@elwosa/runtime';
import type { FinishReason, ProviderName, Usage } from './types.js';

export interface CachedAnswer {
  provider: ProviderName;
  model: string;
  content: string;
  finishReason: FinishReason;
  usage: Usage;
  estimated: boolean;
  createdAt: string;
}

export interface ResponseCacheOptions {
  ttlMs: number;
  /** How long a leader may take before followers stop waiting for it. */
  lockMs: number;
  pollMs?: number;
}

export type Fill = (answer: CachedAnswer | undefined) => Promise<void>;

export type CacheClaim =
  | { role: 'hit'; answer: CachedAnswer }
  /** This call computes the answer and must call `fill` (with undefined when it has none). */
  | { role: 'leader'; fill: Fill }
  /** Nobody could give an answer in time: compute without caching. */
  | { role: 'uncached' };

export class ResponseCache {
  private readonly local = new Map<string, Promise<CachedAnswer | undefined>>();

  constructor(
    private readonly cache: CacheBus,
    private readonly options: ResponseCacheOptions,
  ) {}

  async get(key: string): Promise<CachedAnswer | undefined> {
    const raw = await this.cache.get(key);
    return raw ? (JSON.parse(raw) as CachedAnswer) : undefined;
  }

  /** Looks the key up (unless `lookup` is false) and elects who calls the model on a miss. */
  async claim(key: string, lookup: boolean, signal: AbortSignal): Promise<CacheClaim> {
    if (lookup) {
      const hit = await this.get(key);
      if (hit) return { role: 'hit', answer: hit };
      const pending = this.local.get(key);
      if (pending) {
        const answer = await pending;
        return answer ? { role: 'hit', answer } : { role: 'uncached' };
      }
    }
    const lockKey = `${key}:lock`;
    if (await this.cache.setIfAbsent(lockKey, '1', this.options.lockMs))
      return { role: 'leader', fill: this.lead(key, lockKey) };
    if (!lookup) return { role: 'uncached' };
    const answer = await this.waitForOther(key, lockKey, signal);
    return answer ? { role: 'hit', answer } : { role: 'uncached' };
  }

  private lead(key: string, lockKey: string): Fill {
    let resolve!: (a: CachedAnswer | undefined) => void;
    this.local.set(key, new Promise((r) => (resolve = r)));
    return async (answer) => {
      try {
        if (answer) await this.cache.set(key, JSON.stringify(answer), { ttlMs: this.options.ttlMs });
        await this.cache.del(lockKey);
      } finally {
        this.local.delete(key);
        resolve(answer);
      }
    };
  }

  private async waitForOther(
    key: string,
    lockKey: string,
    signal: AbortSignal,
  ): Promise<CachedAnswer | undefined> {
    const deadline = Date.now() + this.options.lockMs;
    const poll = this.options.pollMs ?? 25;
    while (Date.now() < deadline && !signal.aborted) {
      await new Promise((r) => setTimeout(r, poll));
      const answer = await this.get(key);
      if (answer) return answer;
      if ((await this.cache.get(lockKey)) === null) return this.get(key);
    }
    return undefined;
  }
}

/** Splits a cached answer into deltas for replay (word groups of about `size` characters). */
export function replayChunks(content: string, size = 32): string[] {
  const words = content.match(/\s*\S+\s*/g) ?? (content ? [content] : []);
  const out: string[] = [];
  let current = '';
  for (const w of words) {
    if (current && current.length + w.length > size) {
      out.push(current);
      current = '';
    }
    current += w;
  }
  if (current) out.push(current);
  return out;
}

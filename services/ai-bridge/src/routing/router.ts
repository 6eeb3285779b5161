// Which Ollama replica serves a call — a pure decision over a snapshot of the replicas:
//   1. only replicas that have the model (per their last `/api/tags`; unknown = maybe),
//   2. not cooling down; when every candidate is cooling down, the least recently failed one,
//   3. below the per-replica in-flight cap (else: saturated, the caller queues),
//   4. preferring replicas where the model is loaded (`/api/ps`),
//   5. conversation affinity by rendezvous hashing with bounded load (a replica is skipped
//      while its in-flight count is above `loadFactor` × the mean, as in CHWBL),
//   6. otherwise least in-flight, ties broken by `tieBreak`.
import { createHash } from 'node:crypto';

export interface ReplicaView {
  url: string;
  inFlight: number;
  cap: number;
  /** Epoch ms until which the replica is ejected (0 = not). */
  cooldownUntil: number;
  /** Epoch ms of the last failure (0 = never). */
  lastFailureAt: number;
  /** Models from the last successful `/api/tags`; undefined until one succeeded. */
  models: ReadonlySet<string> | undefined;
  /** Models from the last `/api/ps`. */
  loaded: ReadonlySet<string>;
}

export interface RouteQuery {
  model: string;
  affinityKey?: string | undefined;
  now: number;
  /** Replicas already tried for this call. */
  exclude?: ReadonlySet<string>;
  /** Rotates the choice among equally loaded replicas. */
  tieBreak?: number;
  loadFactor?: number;
}

export type RouteReason = 'affinity' | 'least-in-flight' | 'cold-fallback';

export type RouteDecision =
  | { kind: 'replica'; url: string; reason: RouteReason; loaded: boolean }
  | { kind: 'saturated' }
  | { kind: 'no-model' };

export const DEFAULT_LOAD_FACTOR = 1.25;

export function affinityScore(key: string, url: string): number {
  return createHash('sha256').update(key).update('\0').update(url).digest().readUInt32BE(0);
}

export function chooseReplica(replicas: readonly ReplicaView[], query: RouteQuery): RouteDecision {
  const untried = replicas.filter((r) => !query.exclude?.has(r.url));
  const candidates = untried.filter((r) => r.models === undefined || r.models.has(query.model));
  if (candidates.length === 0) return { kind: 'no-model' };

  const warm = candidates.filter((r) => r.cooldownUntil <= query.now);
  if (warm.length === 0) {
    const coldest = [...candidates].sort((a, b) => a.lastFailureAt - b.lastFailureAt)[0]!;
    return {
      kind: 'replica',
      url: coldest.url,
      reason: 'cold-fallback',
      loaded: coldest.loaded.has(query.model),
    };
  }
  const open = warm.filter((r) => r.inFlight < r.cap);
  if (open.length === 0) return { kind: 'saturated' };
  const loaded = open.filter((r) => r.loaded.has(query.model));
  const pool = loaded.length > 0 ? loaded : open;
  const isLoaded = loaded.length > 0;

  if (query.affinityKey) {
    const total = pool.reduce((n, r) => n + r.inFlight, 0) + 1;
    const bound = Math.ceil((total / pool.length) * (query.loadFactor ?? DEFAULT_LOAD_FACTOR));
    const key = query.affinityKey;
    const ranked = [...pool].sort((a, b) => affinityScore(key, b.url) - affinityScore(key, a.url));
    const within = ranked.find((r) => r.inFlight + 1 <= bound);
    if (within) return { kind: 'replica', url: within.url, reason: 'affinity', loaded: isLoaded };
  }

  const least = Math.min(...pool.map((r) => r.inFlight));
  const tied = pool.filter((r) => r.inFlight === least);
  const pick = tied[(query.tieBreak ?? 0) % tied.length]!;
  return { kind: 'replica', url: pick.url, reason: 'least-in-flight', loaded: isLoaded };
}

// The live state of the Ollama replicas and the leases calls take on them: in-flight counts
// (capped per replica, a local queue when all are full), passive ejection with cooldown on
// failures, and what the probes learnt (models present, models loaded). Decisions are made by
// the pure router (router.ts); this class only keeps the state they read.
import { ProviderError } from '../domain/types.js';
import { type CooldownPolicy, cooldownMs, shouldEject } from './cooldown.js';
import { chooseReplica, type ReplicaView, type RouteReason } from './router.js';

export interface ReplicaState extends ReplicaView {
  healthy: boolean;
  consecutiveFailures: number;
  version: string | undefined;
  lastProbeAt: number;
  lastError: string | undefined;
}

export interface Lease {
  url: string;
  reason: RouteReason;
  /** The model was loaded on the replica when it was chosen. */
  loaded: boolean;
  /** Ends the lease; a failure may cool the replica down. Idempotent. */
  release(outcome: 'ok' | ProviderError): void;
}

export interface PoolOptions {
  cap: number;
  cooldown: CooldownPolicy;
  /** How long a call waits for a free slot when every replica is at its cap. */
  queueTimeoutMs: number;
  now?: () => number;
  random?: () => number;
  /** Called after every state change (metrics). */
  onChange?: (replica: ReplicaState) => void;
}

export class ReplicaPool {
  private readonly replicas = new Map<string, ReplicaState>();
  private waiters = new Set<() => void>();
  private tieBreak = 0;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(
    urls: readonly string[],
    private readonly options: PoolOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    for (const url of urls) {
      this.replicas.set(url, {
        url,
        inFlight: 0,
        cap: options.cap,
        cooldownUntil: 0,
        lastFailureAt: 0,
        models: undefined,
        loaded: new Set(),
        healthy: true,
        consecutiveFailures: 0,
        version: undefined,
        lastProbeAt: 0,
        lastError: undefined,
      });
    }
  }

  get size(): number {
    return this.replicas.size;
  }

  urls(): string[] {
    return [...this.replicas.keys()];
  }

  /** Every model some replica reported (empty until a probe succeeded). */
  knownModels(): string[] {
    const all = new Set<string>();
    for (const r of this.replicas.values()) for (const m of r.models ?? []) all.add(m);
    return [...all].sort();
  }

  /** True when some replica's last `/api/tags` listed `model`. */
  reports(model: string): boolean {
    return [...this.replicas.values()].some((r) => r.models?.has(model) ?? false);
  }

  /** True when some replica reported `model`, or none has reported anything yet. */
  mayServe(model: string): boolean {
    return [...this.replicas.values()].some((r) => r.models === undefined || r.models.has(model));
  }

  snapshot(): ReplicaState[] {
    return [...this.replicas.values()].map((r) => ({ ...r, models: r.models, loaded: r.loaded }));
  }

  /**
   * A lease on the replica the router picks, waiting (up to the queue timeout) while every
   * candidate is at its cap. Resolves undefined when no untried replica has the model.
   */
  async acquire(
    query: { model: string; affinityKey?: string | undefined; exclude?: ReadonlySet<string> },
    signal: AbortSignal,
  ): Promise<Lease | undefined> {
    const deadline = this.now() + this.options.queueTimeoutMs;
    for (;;) {
      const decision = chooseReplica([...this.replicas.values()], {
        ...query,
        now: this.now(),
        tieBreak: this.tieBreak++,
      });
      if (decision.kind === 'no-model') return undefined;
      if (decision.kind === 'replica') return this.lease(decision.url, decision.reason, decision.loaded);
      const wait = deadline - this.now();
      if (wait <= 0)
        throw new ProviderError('status', 'every replica is at its concurrency cap', { status: 503 });
      await this.waitForSlot(wait, signal);
      if (signal.aborted) throw new ProviderError('aborted', 'the request was aborted');
    }
  }

  private lease(url: string, reason: RouteReason, loaded: boolean): Lease {
    const replica = this.replicas.get(url)!;
    replica.inFlight++;
    this.options.onChange?.(replica);
    let released = false;
    return {
      url,
      reason,
      loaded,
      release: (outcome) => {
        if (released) return;
        released = true;
        replica.inFlight--;
        if (outcome === 'ok') {
          replica.consecutiveFailures = 0;
          replica.cooldownUntil = 0;
        } else if (shouldEject(outcome)) {
          this.eject(replica, outcome.message, outcome.retryAfterSeconds);
        }
        this.options.onChange?.(replica);
        this.wake();
      },
    };
  }

  private eject(replica: ReplicaState, error: string, retryAfterSeconds?: number): void {
    replica.consecutiveFailures++;
    const now = this.now();
    replica.lastFailureAt = now;
    replica.lastError = error;
    replica.cooldownUntil =
      now + cooldownMs(replica.consecutiveFailures, this.options.cooldown, this.random, retryAfterSeconds);
  }

  /** A replica answered 404 for `model`: forget it there until the next probe says otherwise. */
  markMissing(url: string, model: string): void {
    const replica = this.replicas.get(url);
    if (!replica) return;
    const models = new Set(replica.models ?? []);
    models.delete(model);
    replica.models = models;
  }

  recordProbe(url: string, probe: { version: string; models: string[]; loaded: string[] }): void {
    const replica = this.replicas.get(url);
    if (!replica) return;
    replica.healthy = true;
    replica.version = probe.version;
    replica.models = new Set(probe.models);
    replica.loaded = new Set(probe.loaded);
    replica.lastProbeAt = this.now();
    replica.consecutiveFailures = 0;
    replica.cooldownUntil = 0;
    this.options.onChange?.(replica);
    this.wake();
  }

  recordProbeFailure(url: string, error: string): void {
    const replica = this.replicas.get(url);
    if (!replica) return;
    replica.healthy = false;
    replica.lastProbeAt = this.now();
    this.eject(replica, error);
    this.options.onChange?.(replica);
  }

  private waitForSlot(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this.waiters.add(done);
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const w of waiters) w();
  }
}

// Leader election on a coordination.k8s.io/v1 Lease (client-node has no helper). Optimistic
// concurrency on resourceVersion decides races; expiry is judged by when *we* last saw the record
// change (not the holder's clock). Fencing: leadership is dropped as soon as renewal has not
// succeeded within renewDeadline, and writes check isLeader() before they are sent.
import { KINDS } from './kinds.js';
import { isStatus, type KubeApi, type KubeObjectJson } from './kube-api.js';

export interface LeaseOptions {
  namespace: string;
  name: string;
  identity: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

export const DEFAULT_LEASE_TIMING = {
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
};

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

const microTime = (d: Date) => d.toISOString().replace('Z', '000Z');

export class LeaderElector {
  private leading = false;
  private lastRenew = 0;
  private observed: { record: string; at: number } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  /** The attempt in progress: stop() waits for it, so no renewal lands after the release. */
  private inflight: Promise<void> = Promise.resolve();
  private lastError: string | undefined;

  constructor(
    private readonly api: KubeApi,
    private readonly opts: LeaseOptions,
    private readonly callbacks: {
      onStartedLeading: () => void;
      onStoppedLeading: () => void;
      /** A failed attempt (reported once per distinct message until an attempt succeeds). */
      onError?: (err: unknown) => void;
    },
    private readonly clock: () => number = Date.now,
  ) {
    if (opts.renewDeadlineMs + opts.retryPeriodMs >= opts.leaseDurationMs) {
      throw new Error('leader election needs renewDeadline + retryPeriod < leaseDuration');
    }
  }

  isLeader(): boolean {
    return this.leading && this.clock() - this.lastRenew < this.opts.renewDeadlineMs;
  }

  start(): void {
    this.stopped = false;
    this.inflight = this.tick();
  }

  /** Stop campaigning; if this instance holds the Lease, release it so another takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.inflight;
    this.setLeading(false);
    try {
      const lease = await this.api.find(KINDS.lease, this.opts.namespace, this.opts.name);
      const spec = (lease?.spec ?? {}) as LeaseSpec;
      if (lease && spec.holderIdentity === this.opts.identity) {
        await this.api.replace({
          ...lease,
          spec: {
            ...spec,
            holderIdentity: '',
            leaseDurationSeconds: 1,
            renewTime: microTime(new Date(this.clock())),
          },
        });
      }
    } catch {
      // Best effort: the Lease expires by itself.
    }
  }

  private async tick(): Promise<void> {
    try {
      const ok = await this.tryAcquireOrRenew();
      if (ok && !this.stopped) {
        this.lastRenew = this.clock();
        if (!this.leading) this.setLeading(true);
      }
      this.lastError = undefined;
    } catch (err) {
      // Counted as a failed renewal below.
      const message = err instanceof Error ? err.message : String(err);
      if (message !== this.lastError) this.callbacks.onError?.(err);
      this.lastError = message;
    }
    if (this.leading && this.clock() - this.lastRenew >= this.opts.renewDeadlineMs) this.setLeading(false);
    if (!this.stopped) {
      this.timer = setTimeout(() => {
        this.inflight = this.tick();
      }, this.opts.retryPeriodMs);
      this.timer.unref();
    }
  }

  private setLeading(leading: boolean): void {
    if (this.leading === leading) return;
    this.leading = leading;
    if (leading) this.callbacks.onStartedLeading();
    else this.callbacks.onStoppedLeading();
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const { namespace, name, identity } = this.opts;
    const now = new Date(this.clock());
    const durationSeconds = Math.ceil(this.opts.leaseDurationMs / 1000);
    const lease = await this.api.find(KINDS.lease, namespace, name);
    if (!lease) {
      try {
        await this.api.create({
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name, namespace },
          spec: {
            holderIdentity: identity,
            leaseDurationSeconds: durationSeconds,
            acquireTime: microTime(now),
            renewTime: microTime(now),
            leaseTransitions: 0,
          },
        });
        return true;
      } catch (err) {
        if (isStatus(err, 409)) return false;
        throw err;
      }
    }
    const spec = (lease.spec ?? {}) as LeaseSpec;
    const record = JSON.stringify([spec.holderIdentity, spec.renewTime, spec.leaseDurationSeconds]);
    if (this.observed?.record !== record) this.observed = { record, at: this.clock() };
    const held = spec.holderIdentity && spec.holderIdentity !== identity;
    const expired = this.clock() - this.observed.at > (spec.leaseDurationSeconds ?? durationSeconds) * 1000;
    if (held && !expired) return false;
    const next: KubeObjectJson = {
      ...lease,
      spec: {
        holderIdentity: identity,
        leaseDurationSeconds: durationSeconds,
        acquireTime: spec.holderIdentity === identity && spec.acquireTime ? spec.acquireTime : microTime(now),
        renewTime: microTime(now),
        leaseTransitions: (spec.leaseTransitions ?? 0) + (spec.holderIdentity === identity ? 0 : 1),
      },
    };
    try {
      await this.api.replace(next);
      return true;
    } catch (err) {
      if (isStatus(err, 409)) return false;
      throw err;
    }
  }
}

// One circuit breaker (opossum) per upstream around the exchange up to the response headers.
// Connect errors, resets and timeouts count as failures; a client that goes away does not.
// While a breaker is open its upstream is not called and clients get 503 at once; after
// `resetTimeoutMs` one trial request is let through (half-open) and its outcome decides.
import CircuitBreaker from 'opossum';
import type { UpstreamCall, UpstreamResponse } from './upstream-client.js';
import { UpstreamError } from './upstream-errors.js';

export type BreakerState = 'closed' | 'half-open' | 'open';

export interface BreakerSettings {
  /** Time an open breaker waits before letting a trial request through. */
  resetTimeoutMs: number;
  /** Failure percentage in the rolling window that opens the breaker. */
  errorThresholdPercentage: number;
  /** Calls in the rolling window before the percentage is considered. */
  volumeThreshold: number;
  rollingCountTimeoutMs: number;
}

export const DEFAULT_BREAKER_SETTINGS: BreakerSettings = {
  resetTimeoutMs: 10_000,
  errorThresholdPercentage: 50,
  volumeThreshold: 5,
  rollingCountTimeoutMs: 10_000,
};

export type UpstreamAction = (call: UpstreamCall) => Promise<UpstreamResponse>;

export class BreakerOpenError extends Error {
  override readonly name = 'BreakerOpenError';
}

export class UpstreamBreakers {
  private readonly breakers = new Map<string, CircuitBreaker<[UpstreamCall], UpstreamResponse>>();

  constructor(
    private readonly action: UpstreamAction,
    private readonly settings: BreakerSettings,
    private readonly onStateChange: (upstream: string, state: BreakerState) => void,
  ) {}

  /** Calls the action through the breaker of `call.upstream`; rejects with BreakerOpenError while it is open. */
  async fire(call: UpstreamCall): Promise<UpstreamResponse> {
    try {
      return await this.breaker(call.upstream).fire(call);
    } catch (err) {
      if ((err as { code?: string }).code === 'EOPENBREAKER') throw new BreakerOpenError(call.upstream);
      throw err;
    }
  }

  state(upstream: string): BreakerState {
    const breaker = this.breakers.get(upstream);
    if (!breaker || breaker.closed) return 'closed';
    return breaker.halfOpen ? 'half-open' : 'open';
  }

  get resetTimeoutMs(): number {
    return this.settings.resetTimeoutMs;
  }

  shutdown(): void {
    for (const breaker of this.breakers.values()) breaker.shutdown();
    this.breakers.clear();
  }

  private breaker(upstream: string): CircuitBreaker<[UpstreamCall], UpstreamResponse> {
    let breaker = this.breakers.get(upstream);
    if (breaker) return breaker;
    breaker = new CircuitBreaker(this.action, {
      name: upstream,
      timeout: false,
      resetTimeout: this.settings.resetTimeoutMs,
      errorThresholdPercentage: this.settings.errorThresholdPercentage,
      volumeThreshold: this.settings.volumeThreshold,
      rollingCountTimeout: this.settings.rollingCountTimeoutMs,
      // Only counts are needed to decide; latency percentiles and snapshots cost on every call.
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
      errorFilter: (err: unknown) => !(err instanceof UpstreamError) || err.failure === 'aborted',
    });
    breaker.on('open', () => this.onStateChange(upstream, 'open'));
    breaker.on('halfOpen', () => this.onStateChange(upstream, 'half-open'));
    breaker.on('close', () => this.onStateChange(upstream, 'closed'));
    this.breakers.set(upstream, breaker);
    return breaker;
  }
}

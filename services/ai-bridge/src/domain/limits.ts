// Per-user limits, checked before a call and reconciled after it (AI-NOTES must-have 10):
// requests per minute (exact sliding window), tokens per minute (fixed minute; the estimated
// prompt is charged up front, the rest of the actual usage afterwards), concurrent streams
// (a counter held for the stream's life) and a monthly budget in micro-USD, which only stops
// calls to paid providers (local models stay usable). A refusal is 429 with Retry-After and
// names the limit. 0 switches a limit off.
import { type CacheBus, HttpProblem } from '@elwosa/runtime';
import { minuteWindow, monthWindow } from './limit-windows.js';

export type LimitName = 'requests_per_minute' | 'tokens_per_minute' | 'concurrent_streams' | 'monthly_budget';

export interface LimitSettings {
  rpm: number;
  tpm: number;
  maxStreams: number;
  monthlyBudgetMicroUsd: number;
  /** How long a stream slot can be held at most (the total timeout). */
  streamSlotTtlMs: number;
}

export interface Admission {
  /** Tokens already charged against the minute (the estimate). */
  chargedTokens: number;
  /** Ends the stream slot (if any). Idempotent. */
  release(): Promise<void>;
}

export function limitProblem(limit: LimitName, retryAfterSeconds: number, detail: string): HttpProblem {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return new HttpProblem(429, detail, {
    headers: { 'Retry-After': String(seconds) },
    extensions: { limit, error: { message: detail, type: 'rate_limit_exceeded', code: limit } },
  });
}

export class UserLimits {
  constructor(
    private readonly cache: CacheBus,
    private readonly settings: LimitSettings,
    private readonly now: () => number = Date.now,
  ) {}

  private key = (kind: string, userId: string, window = '') =>
    `ai:limit:${kind}:${userId}${window ? `:${window}` : ''}`;

  async admit(
    userId: string,
    options: {
      estimatedTokens: number;
      stream: boolean;
      /** The call goes to a paid provider (the monthly budget applies). */
      paid: boolean;
      observe?: (l: LimitName) => void;
    },
  ): Promise<Admission> {
    const s = this.settings;
    const deny = (limit: LimitName, retryAfter: number, detail: string) => {
      options.observe?.(limit);
      return limitProblem(limit, retryAfter, detail);
    };
    const now = this.now();
    if (options.paid && s.monthlyBudgetMicroUsd > 0) {
      const month = monthWindow(now);
      const spent = Number((await this.cache.get(this.key('spend', userId, month.key))) ?? 0);
      if (spent >= s.monthlyBudgetMicroUsd)
        throw deny('monthly_budget', month.retryAfterSeconds, 'the monthly AI budget is used up');
    }
    if (s.rpm > 0) {
      const r = await this.cache.rateLimit(this.key('rpm', userId), { limit: s.rpm, windowMs: 60_000 });
      if (!r.allowed)
        throw deny('requests_per_minute', r.retryAfterMs / 1000, `at most ${s.rpm} AI requests per minute`);
    }
    let charged = 0;
    if (s.tpm > 0) {
      const minute = minuteWindow(now);
      const key = this.key('tpm', userId, minute.key);
      const used = Number((await this.cache.get(key)) ?? 0);
      // A single prompt larger than the whole limit still passes in an otherwise empty minute.
      if (used > 0 && used + options.estimatedTokens > s.tpm) {
        throw deny('tokens_per_minute', minute.retryAfterSeconds, `at most ${s.tpm} AI tokens per minute`);
      }
      await this.cache.incr(key, options.estimatedTokens, { ttlMs: 120_000 });
      charged = options.estimatedTokens;
    }
    let release = async () => {};
    if (options.stream && s.maxStreams > 0) {
      const key = this.key('streams', userId);
      const open = await this.cache.incr(key, 1, { ttlMs: s.streamSlotTtlMs });
      const free = async () => {
        if ((await this.cache.incr(key, -1)) < 0) await this.cache.del(key);
      };
      if (open > s.maxStreams) {
        await free();
        throw deny('concurrent_streams', 1, `at most ${s.maxStreams} concurrent AI streams`);
      }
      let released = false;
      release = async () => {
        if (released) return;
        released = true;
        await free();
      };
    }
    return { chargedTokens: charged, release };
  }

  /** After a call: the rest of its tokens against the minute, its cost against the month. */
  async account(
    userId: string,
    admission: Admission,
    totalTokens: number,
    costMicroUsd: number,
  ): Promise<void> {
    const now = this.now();
    const extra = totalTokens - admission.chargedTokens;
    if (this.settings.tpm > 0 && extra > 0) {
      await this.cache.incr(this.key('tpm', userId, minuteWindow(now).key), extra, { ttlMs: 120_000 });
    }
    if (costMicroUsd > 0) {
      const month = monthWindow(now);
      await this.cache.incr(this.key('spend', userId, month.key), costMicroUsd, { ttlMs: month.ttlMs });
    }
  }

  async spentThisMonth(userId: string): Promise<number> {
    return Number((await this.cache.get(this.key('spend', userId, monthWindow(this.now()).key))) ?? 0);
  }
}

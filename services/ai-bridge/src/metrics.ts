// The bridge's Prometheus metrics on the host's registry. Label values are bounded: providers
// and statuses are fixed sets, replicas are the configured URLs, and models go through
// `modelLabel`, which admits the first MAX_MODEL_LABELS names and folds the rest into "other".
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { LimitName } from './domain/limits.js';
import type { ReplicaState } from './routing/replica-pool.js';

export const MAX_MODEL_LABELS = 32;

export class AiMetrics {
  readonly requests: Counter<'provider' | 'model' | 'operation' | 'status' | 'cache'>;
  readonly errors: Counter<'provider' | 'kind'>;
  readonly ttft: Histogram<'provider'>;
  readonly tokens: Counter<'provider' | 'model' | 'direction'>;
  readonly cost: Counter<'provider' | 'model'>;
  readonly inFlight: Gauge<'replica'>;
  readonly cooldown: Gauge<'replica'>;
  readonly healthy: Gauge<'replica'>;
  readonly cache: Counter<'result'>;
  readonly retries: Counter<'reason'>;
  readonly limited: Counter<'limit'>;
  readonly unpriced: Counter<'provider'>;
  private readonly models = new Set<string>();

  constructor(registry: Registry) {
    const registers = [registry];
    this.requests = new Counter({
      name: 'ai_requests_total',
      help: 'AI calls by provider, model, operation, outcome and cache result',
      labelNames: ['provider', 'model', 'operation', 'status', 'cache'] as const,
      registers,
    });
    this.errors = new Counter({
      name: 'ai_errors_total',
      help: 'Upstream failures by provider and kind (connect, status, midstream, truncated, timeout)',
      labelNames: ['provider', 'kind'] as const,
      registers,
    });
    this.ttft = new Histogram({
      name: 'ai_time_to_first_token_seconds',
      help: 'Time from the request to the first streamed token',
      labelNames: ['provider'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.tokens = new Counter({
      name: 'ai_tokens_total',
      help: 'Tokens by provider, model and direction (input, output)',
      labelNames: ['provider', 'model', 'direction'] as const,
      registers,
    });
    this.cost = new Counter({
      name: 'ai_cost_micro_usd_total',
      help: 'Cost in micro-USD by provider and model',
      labelNames: ['provider', 'model'] as const,
      registers,
    });
    this.inFlight = new Gauge({
      name: 'ai_replica_in_flight',
      help: 'Calls in flight per Ollama replica',
      labelNames: ['replica'] as const,
      registers,
    });
    this.cooldown = new Gauge({
      name: 'ai_replica_cooldown',
      help: '1 while an Ollama replica is ejected (cooling down)',
      labelNames: ['replica'] as const,
      registers,
    });
    this.healthy = new Gauge({
      name: 'ai_replica_healthy',
      help: '1 when the last active probe of an Ollama replica succeeded',
      labelNames: ['replica'] as const,
      registers,
    });
    this.cache = new Counter({
      name: 'ai_cache_total',
      help: 'Response cache lookups by result (hit, miss, bypass)',
      labelNames: ['result'] as const,
      registers,
    });
    this.retries = new Counter({
      name: 'ai_retries_total',
      help: 'Attempts after a failure before the first byte, by reason (replica, fallback)',
      labelNames: ['reason'] as const,
      registers,
    });
    this.limited = new Counter({
      name: 'ai_limit_rejections_total',
      help: 'Calls refused by a per-user limit',
      labelNames: ['limit'] as const,
      registers,
    });
    this.unpriced = new Counter({
      name: 'ai_unpriced_calls_total',
      help: 'Calls to a paid model missing from the price table',
      labelNames: ['provider'] as const,
      registers,
    });
  }

  modelLabel(model: string): string {
    if (this.models.has(model)) return model;
    if (this.models.size >= MAX_MODEL_LABELS) return 'other';
    this.models.add(model);
    return model;
  }

  replicaChanged(r: ReplicaState, now = Date.now()): void {
    this.inFlight.set({ replica: r.url }, r.inFlight);
    this.cooldown.set({ replica: r.url }, r.cooldownUntil > now ? 1 : 0);
    this.healthy.set({ replica: r.url }, r.healthy ? 1 : 0);
  }

  limitHit(limit: LimitName): void {
    this.limited.inc({ limit });
  }
}

// The gateway's own Prometheus metrics, registered on the host's registry.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { BreakerState } from './proxy/breakers.js';

export const BREAKER_STATE_VALUE: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

export interface GatewayMetrics {
  upstreamDuration: Histogram<'upstream' | 'method' | 'status_code'>;
  upstreamErrors: Counter<'upstream' | 'kind'>;
  upstreamRetries: Counter<'upstream'>;
  breakerState: Gauge<'upstream'>;
  rateLimitDecisions: Counter<'decision' | 'subject' | 'backend'>;
  wsConnections: Gauge;
  wsMessages: Counter<'direction'>;
  wsRejectedUpgrades: Counter<'status_code'>;
}

export function createGatewayMetrics(registry: Registry): GatewayMetrics {
  const registers = [registry];
  return {
    upstreamDuration: new Histogram({
      name: 'gateway_upstream_request_duration_seconds',
      help: 'Time from sending a request upstream until its response headers arrived',
      labelNames: ['upstream', 'method', 'status_code'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    upstreamErrors: new Counter({
      name: 'gateway_upstream_errors_total',
      help: 'Upstream calls that failed, by kind (connect, timeout, reset, breaker_open, invalid_response)',
      labelNames: ['upstream', 'kind'] as const,
      registers,
    }),
    upstreamRetries: new Counter({
      name: 'gateway_upstream_retries_total',
      help: 'Idempotent requests retried after a connect error',
      labelNames: ['upstream'] as const,
      registers,
    }),
    breakerState: new Gauge({
      name: 'gateway_circuit_breaker_state',
      help: 'Circuit breaker state per upstream: 0 closed, 1 half-open, 2 open',
      labelNames: ['upstream'] as const,
      registers,
    }),
    rateLimitDecisions: new Counter({
      name: 'gateway_rate_limit_decisions_total',
      help: 'Rate-limit decisions by outcome, subject kind (user, ip) and backend (cache, memory)',
      labelNames: ['decision', 'subject', 'backend'] as const,
      registers,
    }),
    wsConnections: new Gauge({
      name: 'gateway_ws_connections',
      help: 'Open WebSocket connections',
      registers,
    }),
    wsMessages: new Counter({
      name: 'gateway_ws_messages_total',
      help: 'WebSocket messages by direction (in, out)',
      labelNames: ['direction'] as const,
      registers,
    }),
    wsRejectedUpgrades: new Counter({
      name: 'gateway_ws_rejected_upgrades_total',
      help: 'WebSocket upgrades refused, by HTTP status',
      labelNames: ['status_code'] as const,
      registers,
    }),
  };
}

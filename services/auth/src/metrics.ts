// The auth service's own Prometheus metrics, on the host's registry.
import { Counter, type Registry } from 'prom-client';

export interface AuthMetrics {
  securityEventsDeferred: Counter;
  securityEventsRelayed: Counter;
  securityEventRelayRuns: Counter<'outcome'>;
  sessionTombstonesRepaired: Counter;
  apiKeyCachesRepaired: Counter;
}

export function createAuthMetrics(registry: Registry): AuthMetrics {
  return {
    securityEventsDeferred: new Counter({
      name: 'auth_security_events_deferred_total',
      help: 'Security events whose publish failed (cache unavailable), left to the relay job',
      registers: [registry],
    }),
    securityEventsRelayed: new Counter({
      name: 'auth_security_events_relayed_total',
      help: 'Security events the relay job published from the outbox (publish failed, or the process died before it)',
      registers: [registry],
    }),
    securityEventRelayRuns: new Counter({
      name: 'auth_security_event_relay_runs_total',
      help: 'Relay job ticks (security events, session tombstones, API key cache entries): ran (this replica held the interval lock), skipped or failed',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    sessionTombstonesRepaired: new Counter({
      name: 'auth_session_tombstones_repaired_total',
      help: 'Revoked sessions whose cache tombstone the relay job wrote (the cache write after the revocation failed, or the process died before it)',
      registers: [registry],
    }),
    apiKeyCachesRepaired: new Counter({
      name: 'auth_api_key_caches_repaired_total',
      help: 'API keys whose cache entry the relay job rewrote after a revocation, role change or disabling (the cache write after the commit failed, or the process died before it)',
      registers: [registry],
    }),
  };
}

// The service's own Prometheus metrics, on the host's registry.
import { Counter, type Registry } from 'prom-client';

export interface AnalyticsMetrics {
  events: Counter<'family' | 'outcome'>;
  rollupSlots: Counter<'outcome'>;
  rolledUpDays: Counter;
  purgedUsageRecords: Counter;
}

export function createAnalyticsMetrics(registry: Registry): AnalyticsMetrics {
  return {
    events: new Counter({
      name: 'analytics_events_total',
      help: 'Events consumed, by family and outcome (stored, duplicate, unchanged, ignored, expired: a usage fact for a day whose raw records were purged)',
      labelNames: ['family', 'outcome'] as const,
      registers: [registry],
    }),
    rollupSlots: new Counter({
      name: 'analytics_rollup_slots_total',
      help: 'Roll-up schedule slots: ran (this replica held the slot), skipped (another did) or failed',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    rolledUpDays: new Counter({
      name: 'analytics_rolled_up_days_total',
      help: 'Days whose roll-up was recomputed',
      registers: [registry],
    }),
    purgedUsageRecords: new Counter({
      name: 'analytics_raw_usage_purged_total',
      help: 'Raw AI usage records purged past the raw retention (their days stay in the roll-ups)',
      registers: [registry],
    }),
  };
}

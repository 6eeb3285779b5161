// The service's own Prometheus metrics, on the host's registry.
import { Counter, type Registry } from 'prom-client';

export interface NotificationMetrics {
  created: Counter<'type'>;
  emails: Counter<'outcome'>;
  dueScans: Counter<'outcome'>;
}

export function createNotificationMetrics(registry: Registry): NotificationMetrics {
  return {
    created: new Counter({
      name: 'notifications_created_total',
      help: 'Notifications created, by type',
      labelNames: ['type'] as const,
      registers: [registry],
    }),
    emails: new Counter({
      name: 'notifications_email_attempts_total',
      help: 'Email delivery attempts, by outcome (sent, retry, failed, lease_lost)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    dueScans: new Counter({
      name: 'notifications_due_scans_total',
      help: 'Due-soon scheduler ticks: ran (this replica held the interval lock) or skipped',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
  };
}

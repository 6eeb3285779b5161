// The service's own Prometheus metrics, on the host's registry.
import { Counter, type Registry } from 'prom-client';

export interface TasksMetrics {
  retentionRuns: Counter<'outcome'>;
  retentionPurged: Counter<'kind'>;
}

export function createTasksMetrics(registry: Registry): TasksMetrics {
  return {
    retentionRuns: new Counter({
      name: 'tasks_retention_runs_total',
      help: 'Retention job ticks: ran (this replica held the interval lock), skipped or failed',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    retentionPurged: new Counter({
      name: 'tasks_retention_purged_total',
      help: 'Rows purged by the retention job: tombstones past their retention, expired idempotency keys',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
  };
}

// The service's own Prometheus metrics, on the host's registry.
import { Counter, type Registry } from 'prom-client';

export interface TasksMetrics {
  retentionRuns: Counter<'outcome'>;
  retentionPurged: Counter<'kind'>;
  eventsDeferred: Counter;
  eventsRepublished: Counter;
  eventRepairRuns: Counter<'outcome'>;
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
    eventsDeferred: new Counter({
      name: 'tasks_events_deferred_total',
      help: 'Tasks whose change events could not be published after the commit (cache unavailable), left to the event repair job',
      registers: [registry],
    }),
    eventsRepublished: new Counter({
      name: 'tasks_events_republished_total',
      help: 'Tasks whose event outbox record came due (publish failed, or the process died before it) and whose current state the repair job published',
      registers: [registry],
    }),
    eventRepairRuns: new Counter({
      name: 'tasks_event_repair_runs_total',
      help: 'Event repair job ticks: ran (this replica held the interval lock), skipped or failed',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
  };
}

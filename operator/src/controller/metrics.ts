// The operator's own Prometheus metrics (elwosa_operator_*), on a private registry.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Condition } from '../api/elwosastack.js';

export class OperatorMetrics {
  readonly registry = new Registry();
  readonly reconciles = new Counter({
    name: 'elwosa_operator_reconcile_total',
    help: 'Reconciles of ElwosaStacks by result (success, error).',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly errors = new Counter({
    name: 'elwosa_operator_reconcile_errors_total',
    help: 'Reconciles that failed and were re-queued with backoff.',
    registers: [this.registry],
  });
  readonly duration = new Histogram({
    name: 'elwosa_operator_reconcile_duration_seconds',
    help: 'Duration of one reconcile.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  /** Read at scrape time from the queue (see queueDepthFrom). */
  private queueDepthSource: () => number = () => 0;
  readonly queueDepth = (() => {
    const metrics = this;
    return new Gauge({
      name: 'elwosa_operator_workqueue_depth',
      help: 'Stacks waiting in the work queue.',
      registers: [this.registry],
      collect() {
        this.set(metrics.queueDepthSource());
      },
    });
  })();
  readonly leader = new Gauge({
    name: 'elwosa_operator_leader',
    help: '1 while this instance holds the leader Lease.',
    registers: [this.registry],
  });
  readonly writes = new Counter({
    name: 'elwosa_operator_api_writes_total',
    help: 'Write requests sent to the Kubernetes API by verb.',
    labelNames: ['verb'] as const,
    registers: [this.registry],
  });
  readonly informerRestarts = new Counter({
    name: 'elwosa_operator_informer_restarts_total',
    help: 'Informers restarted after a watch or list error, by kind.',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly stackCondition = new Gauge({
    name: 'elwosa_operator_stack_condition',
    help: 'Current conditions of each stack (1 for the current status).',
    labelNames: ['namespace', 'stack', 'condition', 'status'] as const,
    registers: [this.registry],
  });

  constructor(defaultMetrics = true) {
    if (defaultMetrics) collectDefaultMetrics({ register: this.registry });
  }

  queueDepthFrom(source: () => number): void {
    this.queueDepthSource = source;
  }

  private readonly conditionTypes = new Map<string, Set<string>>();

  setConditions(namespace: string, stack: string, conditions: readonly Condition[]): void {
    const types = this.conditionTypes.get(`${namespace}/${stack}`) ?? new Set<string>();
    this.conditionTypes.set(`${namespace}/${stack}`, types);
    for (const c of conditions) {
      types.add(c.type);
      for (const status of ['True', 'False', 'Unknown'] as const) {
        this.stackCondition.set({ namespace, stack, condition: c.type, status }, c.status === status ? 1 : 0);
      }
    }
  }

  forgetStack(namespace: string, stack: string): void {
    for (const condition of this.conditionTypes.get(`${namespace}/${stack}`) ?? []) {
      for (const status of ['True', 'False', 'Unknown'])
        this.stackCondition.remove({ namespace, stack, condition, status });
    }
    this.conditionTypes.delete(`${namespace}/${stack}`);
  }
}

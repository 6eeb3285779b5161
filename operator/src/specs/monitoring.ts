// ServiceMonitor switch, the PrometheusRule (alerts with runbooks) and Grafana dashboard ConfigMaps.
import type { V1ConfigMap } from '@kubernetes/client-node';
import { TARGETS } from '../api/targets.js';
import type { DesiredObject, KubeObject, StackContext } from './context.js';
import { objectMeta } from './meta.js';
import { names } from './names.js';

/** `auto` follows discovery; `true` needs the CRDs too (the controller reports them missing). */
function resolve(setting: 'auto' | boolean, ctx: StackContext): boolean {
  return setting !== false && ctx.inputs.capabilities.monitoring;
}

export function serviceMonitorsEnabled(ctx: StackContext): boolean {
  return resolve(ctx.spec.monitoring.serviceMonitor.enabled, ctx);
}

export function prometheusRulesEnabled(ctx: StackContext): boolean {
  return resolve(ctx.spec.monitoring.prometheusRules.enabled, ctx);
}

/** Monitoring was asked for explicitly (`true`) but the CRDs are not served. */
export function monitoringCrdsMissing(ctx: StackContext): boolean {
  const m = ctx.spec.monitoring;
  return (
    !ctx.inputs.capabilities.monitoring &&
    (m.serviceMonitor.enabled !== false || m.prometheusRules.enabled !== false)
  );
}

export function dashboardNamespace(ctx: StackContext): string {
  return ctx.spec.monitoring.grafanaDashboards.namespace ?? ctx.namespace;
}

/** Only the leader's series: a former leader keeps its last stack conditions until it restarts. */
const FROM_LEADER = 'and on (job, instance) (elwosa_operator_leader == 1)';

/** Slot counters of the services' scheduled jobs (label `outcome`: ran, skipped, failed). */
const BACKGROUND_JOB_SLOTS = [
  'tasks_retention_runs_total',
  'tasks_event_repair_runs_total',
  'auth_security_event_relay_runs_total',
  'analytics_rollup_slots_total',
  'notifications_due_scans_total',
] as const;

interface Alert {
  alert: string;
  expr: string;
  for: string;
  severity: 'critical' | 'warning';
  summary: string;
}

export function alerts(ctx: StackContext): Alert[] {
  const ns = ctx.namespace;
  const jobs = `${ctx.name}-(${TARGETS.join('|')})`;
  const sel = `namespace="${ns}",job=~"${jobs}"`;
  const out: Alert[] = [
    {
      alert: 'ElwosaComponentDown',
      expr: `up{${sel}} == 0`,
      for: '5m',
      severity: 'critical',
      summary: '{{ $labels.job }} is down',
    },
    {
      alert: 'ElwosaHighErrorRate',
      expr: `sum by (job) (rate(http_request_duration_seconds_count{${sel},status_code=~"5.."}[5m])) / sum by (job) (rate(http_request_duration_seconds_count{${sel}}[5m])) > 0.05`,
      for: '10m',
      severity: 'warning',
      summary: 'More than 5% of {{ $labels.job }} requests fail with 5xx',
    },
    {
      alert: 'ElwosaHighLatencyP95',
      expr: `histogram_quantile(0.95, sum by (job, le) (rate(http_request_duration_seconds_bucket{${sel}}[5m]))) > 1`,
      for: '10m',
      severity: 'warning',
      summary: '{{ $labels.job }} p95 latency is above 1 s',
    },
    {
      alert: 'ElwosaModelNotLoaded',
      expr: `(elwosa_operator_stack_condition{namespace="${ns}",stack="${ctx.name}",condition="ModelsReady",status="True"} == 0) ${FROM_LEADER}`,
      for: '30m',
      severity: 'warning',
      summary: 'Ollama models of stack {{ $labels.stack }} are not all pulled',
    },
    {
      // The once-per-interval jobs (tasks retention, analytics roll-ups and raw retention, the
      // due-soon scan) report each slot's outcome; a failed slot is retried at the next one.
      alert: 'ElwosaBackgroundJobFailing',
      expr: BACKGROUND_JOB_SLOTS.map(
        (metric) => `sum by (job) (increase(${metric}{${sel},outcome="failed"}[3h])) > 0`,
      ).join(' or '),
      for: '15m',
      severity: 'warning',
      summary: 'A scheduled background job of {{ $labels.job }} has failed in the last 3 hours',
    },
    {
      // Reconciled=False: the last apply failed (ApplyFailed) or the spec is invalid (InvalidSpec).
      alert: 'ElwosaOperatorReconcileErrors',
      expr: `(elwosa_operator_stack_condition{namespace="${ns}",stack="${ctx.name}",condition="Reconciled",status="False"} == 1) ${FROM_LEADER}`,
      for: '15m',
      severity: 'warning',
      summary:
        'The operator has failed to reconcile stack {{ $labels.namespace }}/{{ $labels.stack }} for 15 minutes',
    },
  ];
  if (ctx.spec.database.mode === 'managed') {
    out.push({
      alert: 'ElwosaPostgresDown',
      expr: `kube_statefulset_status_replicas_ready{namespace="${ns}",statefulset="${names.postgres(ctx.name)}"} < 1`,
      for: '5m',
      severity: 'critical',
      summary: `The managed PostgreSQL of stack {{ $labels.namespace }}/${ctx.name} has no ready replica`,
    });
  }
  if (ctx.spec.ai.ollama.enabled && ctx.spec.ai.ollama.gpu.enabled) {
    out.push({
      alert: 'ElwosaGpuUnschedulable',
      expr: `max(kube_pod_status_unschedulable{namespace="${ns}",pod=~"${names.ollama(ctx.name)}-[0-9]+"}) > 0`,
      for: '10m',
      severity: 'warning',
      summary: 'Ollama pods cannot be scheduled (not enough GPUs?)',
    });
  }
  return out;
}

export function monitoringObjects(ctx: StackContext): DesiredObject[] {
  const out: DesiredObject[] = [];
  if (prometheusRulesEnabled(ctx)) out.push({ object: prometheusRule(ctx), stage: 'foundation' });
  if (ctx.spec.monitoring.grafanaDashboards.enabled) {
    for (const d of ctx.inputs.dashboards)
      out.push({ object: dashboardConfigMap(ctx, d.name, d.json), stage: 'foundation' });
  }
  return out;
}

function prometheusRule(ctx: StackContext): KubeObject {
  const pr = ctx.spec.monitoring.prometheusRules;
  const base = pr.runbookBaseURL.replace(/\/+$/, '');
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: objectMeta(ctx, names.prometheusRule(ctx.name), 'monitoring', { labels: pr.labels }),
    spec: {
      groups: [
        {
          name: `elwosa.${ctx.namespace}.${ctx.name}`,
          rules: alerts(ctx).map((a) => ({
            alert: a.alert,
            expr: a.expr,
            for: a.for,
            labels: { severity: a.severity },
            annotations: { summary: a.summary, runbook_url: `${base}/${a.alert}.md` },
          })),
        },
      ],
    },
  };
}

function dashboardConfigMap(ctx: StackContext, dashboard: string, json: string): KubeObject {
  const gd = ctx.spec.monitoring.grafanaDashboards;
  const namespace = dashboardNamespace(ctx);
  const object: V1ConfigMap & KubeObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: objectMeta(ctx, names.dashboard(ctx.namespace, ctx.name, dashboard), 'dashboards', {
      namespace,
      labels: gd.labels,
      annotations: { grafana_folder: gd.folder },
    }),
    data: { [`${dashboard}.json`]: json },
  };
  return object;
}

// Writes the platform Grafana dashboards (dashboards/platform.json, ai.json, realtime.json) from
// the compact definitions below; `--check` fails when a committed file differs (as JSON: the
// files may be formatted by biome). dashboards/
// operator.json is maintained by hand. Every dashboard: a `datasource` variable, every panel and
// query on `${datasource}`, no fixed datasource ids, importable as is (uid, title, schemaVersion).
// usage: node hack/dashboards.mjs [--check]
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';

const DIR = path.resolve(import.meta.dirname, '..', 'dashboards');
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a template.
const DS = { type: 'prometheus', uid: '${datasource}' };
const RATE = '$__rate_interval';
const TARGETS = 'gateway|auth|chat|tasks|ai-bridge|notifications|memory|analytics';

// ---------------------------------------------------------------------------------------------
// Building blocks

const datasourceVar = {
  name: 'datasource',
  label: 'Data source',
  type: 'datasource',
  query: 'prometheus',
  current: {},
  hide: 0,
  refresh: 1,
};

/** A query variable over `label_values(<metric selector>, <label>)`. */
function queryVar(name, label, metric, labelName, { multi = true, allValue = '.*' } = {}) {
  const query = `label_values(${metric}, ${labelName})`;
  return {
    name,
    label,
    type: 'query',
    datasource: DS,
    query: { query, refId: name },
    definition: query,
    includeAll: multi,
    multi,
    current: {},
    hide: 0,
    refresh: 2,
    sort: 1,
    ...(multi ? { allValue } : {}),
  };
}

const target = (expr, legendFormat, refId, extra = {}) => ({
  datasource: DS,
  expr,
  legendFormat,
  refId,
  ...extra,
});

/** A panel; `queries` are [expr, legend] pairs. */
function panel(
  type,
  title,
  queries,
  { unit = 'short', w = 12, h = 8, description, options, min, max, decimals, extra } = {},
) {
  return {
    type,
    title,
    ...(description ? { description } : {}),
    datasource: DS,
    w,
    h,
    fieldConfig: {
      defaults: {
        unit,
        ...(min !== undefined ? { min } : {}),
        ...(max !== undefined ? { max } : {}),
        ...(decimals !== undefined ? { decimals } : {}),
        ...(type === 'timeseries' ? { custom: { lineWidth: 1, fillOpacity: 10, showPoints: 'never' } } : {}),
      },
      overrides: [],
    },
    options:
      options ??
      (type === 'stat'
        ? { reduceOptions: { calcs: ['lastNotNull'] }, colorMode: 'value', graphMode: 'area' }
        : { legend: { displayMode: 'list', placement: 'bottom' }, tooltip: { mode: 'multi' } }),
    targets: queries.map(([expr, legend], i) =>
      target(
        expr,
        legend,
        String.fromCharCode(65 + i),
        type === 'table' ? { instant: true, format: 'table' } : {},
      ),
    ),
    ...extra,
  };
}
const ts = (title, queries, opts) => panel('timeseries', title, queries, opts);
const stat = (title, queries, opts) => panel('stat', title, queries, { w: 6, h: 4, ...opts });
const table = (title, queries, opts) => panel('table', title, queries, { w: 24, ...opts });
const row = (title, { collapsed = false, panels = [] } = {}) => ({
  type: 'row',
  title,
  collapsed,
  panels,
  w: 24,
  h: 1,
});

/** Assigns ids and grid positions left to right, top to bottom (rows start a new line). */
function layout(items) {
  let x = 0;
  let y = 0;
  let lineHeight = 0;
  let id = 1;
  const place = (p) => {
    const { w, h, ...rest } = p;
    if (p.type === 'row' || x + w > 24) {
      y += lineHeight;
      x = 0;
      lineHeight = 0;
    }
    const placed = { id: id++, ...rest, gridPos: { x, y, w, h } };
    x += w;
    lineHeight = Math.max(lineHeight, h);
    if (p.type === 'row') {
      y += h;
      x = 0;
      lineHeight = 0;
      // Collapsed rows keep their panels inside (Grafana's format); laid out from the row down.
      if (p.collapsed) placed.panels = p.panels.map(place);
    }
    return placed;
  };
  const out = [];
  for (const item of items) {
    if (item.type === 'row' && !item.collapsed) {
      out.push(place({ ...item, panels: [] }));
      for (const p of item.panels) out.push(place(p));
    } else out.push(place(item));
  }
  return out;
}

function dashboard({ uid, title, description, tags, variables, panels }) {
  return {
    uid,
    title,
    description,
    tags: ['elwosa', ...tags],
    schemaVersion: 39,
    version: 1,
    editable: true,
    graphTooltip: 1,
    time: { from: 'now-6h', to: 'now' },
    refresh: '30s',
    timezone: 'browser',
    templating: { list: [datasourceVar, ...variables] },
    annotations: { list: [] },
    links: [
      {
        title: 'ELWOSA dashboards',
        type: 'dashboards',
        tags: ['elwosa'],
        asDropdown: true,
        includeVars: true,
        keepTime: true,
      },
    ],
    panels: layout(panels),
  };
}

// Selectors shared by the platform dashboards: the namespace and the service (runtime label).
const NS = 'namespace=~"$namespace"';
const SVC = `${NS},service=~"$service"`;
const namespaceVar = queryVar('namespace', 'Namespace', 'http_request_duration_seconds_count', 'namespace');
const serviceVar = queryVar('service', 'Service', `http_request_duration_seconds_count{${NS}}`, 'service');
const quantile = (q, metric, sel, by) =>
  `histogram_quantile(${q}, sum by (${by}le) (rate(${metric}_bucket{${sel}}[${RATE}])))`;

// ---------------------------------------------------------------------------------------------
// Platform overview: RED per service, processes, gateway upstreams, domain activity.

const platform = dashboard({
  uid: 'elwosa-platform',
  title: 'ELWOSA platform overview',
  description:
    'Rate, errors and duration per service (http_request_duration_seconds), process health, gateway upstreams and domain activity.',
  tags: ['platform'],
  variables: [namespaceVar, serviceVar],
  panels: [
    stat(
      'Requests per second',
      [[`sum(rate(http_request_duration_seconds_count{${SVC}}[${RATE}]))`, 'req/s']],
      {
        unit: 'reqps',
      },
    ),
    stat(
      '5xx ratio',
      [
        [
          `sum(rate(http_request_duration_seconds_count{${SVC},status_code=~"5.."}[${RATE}])) / sum(rate(http_request_duration_seconds_count{${SVC}}[${RATE}]))`,
          '5xx',
        ],
      ],
      { unit: 'percentunit', decimals: 2 },
    ),
    stat('p95 latency', [[quantile(0.95, 'http_request_duration_seconds', SVC, ''), 'p95']], { unit: 's' }),
    stat(
      'Targets up',
      [
        [`count(up{${NS},job=~".*-(${TARGETS})"} == 1)`, 'up'],
        [`count(up{${NS},job=~".*-(${TARGETS})"})`, 'scraped'],
      ],
      { description: 'Scrape targets of the platform services that answer / all of them.' },
    ),
    row('Rate, errors, duration per service', {
      panels: [
        ts(
          'Requests per second by service',
          [[`sum by (service) (rate(http_request_duration_seconds_count{${SVC}}[${RATE}]))`, '{{service}}']],
          { unit: 'reqps' },
        ),
        ts(
          'Errors per second by service and status',
          [
            [
              `sum by (service, status_code) (rate(http_request_duration_seconds_count{${SVC},status_code=~"[45].."}[${RATE}]))`,
              '{{service}} {{status_code}}',
            ],
          ],
          { unit: 'reqps' },
        ),
        ts(
          '5xx ratio by service',
          [
            [
              `sum by (service) (rate(http_request_duration_seconds_count{${SVC},status_code=~"5.."}[${RATE}])) / sum by (service) (rate(http_request_duration_seconds_count{${SVC}}[${RATE}]))`,
              '{{service}}',
            ],
          ],
          { unit: 'percentunit', min: 0 },
        ),
        ts(
          'p95 latency by service',
          [[quantile(0.95, 'http_request_duration_seconds', SVC, 'service, '), '{{service}}']],
          { unit: 's' },
        ),
        ts(
          'p50 / p99 latency (all selected services)',
          [
            [quantile(0.5, 'http_request_duration_seconds', SVC, ''), 'p50'],
            [quantile(0.99, 'http_request_duration_seconds', SVC, ''), 'p99'],
          ],
          { unit: 's' },
        ),
        ts(
          'Requests by method',
          [[`sum by (method) (rate(http_request_duration_seconds_count{${SVC}}[${RATE}]))`, '{{method}}']],
          { unit: 'reqps' },
        ),
        table(
          'Slowest routes (p95 over the last hour)',
          [
            [
              `topk(15, histogram_quantile(0.95, sum by (service, route, le) (rate(http_request_duration_seconds_bucket{${SVC}}[1h]))))`,
              '',
            ],
          ],
          { unit: 's' },
        ),
      ],
    }),
    row('Processes', {
      panels: [
        ts('CPU by pod', [[`sum by (pod) (rate(process_cpu_seconds_total{${NS}}[${RATE}]))`, '{{pod}}']], {
          unit: 'percentunit',
          w: 8,
        }),
        ts('Resident memory by pod', [[`max by (pod) (process_resident_memory_bytes{${NS}})`, '{{pod}}']], {
          unit: 'bytes',
          w: 8,
        }),
        ts(
          'Event loop lag p99 by pod',
          [[`max by (pod) (nodejs_eventloop_lag_p99_seconds{${NS}})`, '{{pod}}']],
          {
            unit: 's',
            w: 8,
          },
        ),
      ],
    }),
    row('Gateway upstreams', {
      panels: [
        ts(
          'Upstream p95 by upstream',
          [[quantile(0.95, 'gateway_upstream_request_duration_seconds', NS, 'upstream, '), '{{upstream}}']],
          { unit: 's', w: 8 },
        ),
        ts(
          'Upstream errors by kind',
          [
            [
              `sum by (upstream, kind) (rate(gateway_upstream_errors_total{${NS}}[${RATE}]))`,
              '{{upstream}} {{kind}}',
            ],
            [
              `sum by (upstream) (rate(gateway_upstream_retries_total{${NS}}[${RATE}]))`,
              '{{upstream}} retries',
            ],
          ],
          { unit: 'ops', w: 8 },
        ),
        ts(
          'Circuit breakers (0 closed, 1 half-open, 2 open)',
          [[`max by (upstream) (gateway_circuit_breaker_state{${NS}})`, '{{upstream}}']],
          { w: 8, min: 0, max: 2 },
        ),
        ts(
          'Rate-limit decisions',
          [
            [
              `sum by (decision, subject) (rate(gateway_rate_limit_decisions_total{${NS}}[${RATE}]))`,
              '{{decision}} {{subject}}',
            ],
          ],
          { unit: 'ops', w: 24 },
        ),
      ],
    }),
    row('Activity', {
      panels: [
        ts(
          'Chat turns by status',
          [[`sum by (status) (rate(chat_turns_total{${NS}}[${RATE}]))`, '{{status}}']],
          {
            unit: 'ops',
            w: 8,
          },
        ),
        ts(
          'Chat tool calls and model errors',
          [
            [`sum by (tool, outcome) (rate(chat_tool_calls_total{${NS}}[${RATE}]))`, '{{tool}} {{outcome}}'],
            [`sum by (code) (rate(chat_model_errors_total{${NS}}[${RATE}]))`, 'model error {{code}}'],
            [`sum(chat_generations_running{${NS}})`, 'running generations'],
          ],
          { w: 8 },
        ),
        ts(
          'Notifications',
          [
            [`sum by (type) (rate(notifications_created_total{${NS}}[${RATE}]))`, 'created {{type}}'],
            [
              `sum by (outcome) (rate(notifications_email_attempts_total{${NS}}[${RATE}]))`,
              'email {{outcome}}',
            ],
            [
              `sum by (outcome) (rate(notifications_due_scans_total{${NS}}[${RATE}]))`,
              'due scan {{outcome}}',
            ],
          ],
          { unit: 'ops', w: 8 },
        ),
        ts(
          'Analytics events and roll-ups',
          [
            [
              `sum by (family, outcome) (rate(analytics_events_total{${NS}}[${RATE}]))`,
              '{{family}} {{outcome}}',
            ],
            [
              `sum by (outcome) (rate(analytics_rollup_slots_total{${NS}}[${RATE}]))`,
              'roll-up slots {{outcome}}',
            ],
            [`sum(rate(analytics_rolled_up_days_total{${NS}}[${RATE}]))`, 'days rolled up'],
          ],
          { unit: 'ops', w: 12 },
        ),
        ts(
          'Retention',
          [
            [`sum by (kind) (increase(tasks_retention_purged_total{${NS}}[1h]))`, 'tasks: {{kind}} purged'],
            [`sum(increase(analytics_raw_usage_purged_total{${NS}}[1h]))`, 'analytics: raw usage purged'],
            [
              `sum by (outcome) (increase(tasks_retention_runs_total{${NS}}[1h]))`,
              'tasks retention runs {{outcome}}',
            ],
          ],
          { w: 12 },
        ),
      ],
    }),
  ],
});

// ---------------------------------------------------------------------------------------------
// AI: requests, TTFT, tokens/s, cost, cache, per model and per Ollama replica, GPUs.

const AI = `${NS},provider=~"$provider"`;
const AIM = `${AI},model=~"$model"`;
const GPU = 'Hostname=~"$gpu_node"';

const ai = dashboard({
  uid: 'elwosa-ai',
  title: 'ELWOSA AI',
  description:
    'ai-bridge: requests, time to first token, tokens per second, cost and cache hit ratio per provider and model; Ollama replicas; GPUs (dcgm-exporter, when present).',
  tags: ['ai'],
  variables: [
    queryVar('namespace', 'Namespace', 'ai_requests_total', 'namespace'),
    queryVar('provider', 'Provider', `ai_requests_total{${NS}}`, 'provider'),
    queryVar('model', 'Model', `ai_requests_total{${AI}}`, 'model'),
    queryVar('gpu_node', 'GPU node', 'DCGM_FI_DEV_GPU_UTIL', 'Hostname'),
  ],
  panels: [
    stat('AI calls per second', [[`sum(rate(ai_requests_total{${AIM}}[${RATE}]))`, 'calls/s']], {
      unit: 'ops',
    }),
    stat(
      'Failed calls',
      [
        [
          `sum(rate(ai_requests_total{${AIM},status!="ok"}[${RATE}])) / sum(rate(ai_requests_total{${AIM}}[${RATE}]))`,
          'failed',
        ],
      ],
      { unit: 'percentunit', decimals: 2 },
    ),
    stat(
      'Cache hit ratio',
      [
        [
          `sum(rate(ai_cache_total{${NS},result="hit"}[${RATE}])) / sum(rate(ai_cache_total{${NS},result=~"hit|miss"}[${RATE}]))`,
          'hit ratio',
        ],
      ],
      {
        unit: 'percentunit',
        decimals: 1,
        description: 'Hits over cacheable lookups (bypassed calls excluded).',
      },
    ),
    stat(
      'Cost in the time range (USD)',
      [[`sum(increase(ai_cost_micro_usd_total{${AIM}}[$__range])) / 1e6`, 'USD']],
      { unit: 'currencyUSD', decimals: 2 },
    ),
    row('Requests and latency per model', {
      panels: [
        ts(
          'Calls per second by model and status',
          [[`sum by (model, status) (rate(ai_requests_total{${AIM}}[${RATE}]))`, '{{model}} {{status}}']],
          { unit: 'ops' },
        ),
        ts(
          'Calls per second by operation and cache result',
          [
            [
              `sum by (operation, cache) (rate(ai_requests_total{${AIM}}[${RATE}]))`,
              '{{operation}} cache {{cache}}',
            ],
          ],
          { unit: 'ops' },
        ),
        ts(
          'Time to first token by provider',
          [
            [quantile(0.5, 'ai_time_to_first_token_seconds', AI, 'provider, '), 'p50 {{provider}}'],
            [quantile(0.95, 'ai_time_to_first_token_seconds', AI, 'provider, '), 'p95 {{provider}}'],
          ],
          {
            unit: 's',
            description:
              'Streamed calls that missed the cache. ai-bridge labels TTFT by provider only, so the model filter does not apply here.',
          },
        ),
        ts(
          'Upstream errors by provider and kind',
          [
            [`sum by (provider, kind) (rate(ai_errors_total{${AI}}[${RATE}]))`, '{{provider}} {{kind}}'],
            [`sum by (reason) (rate(ai_retries_total{${NS}}[${RATE}]))`, 'retry {{reason}}'],
          ],
          { unit: 'ops' },
        ),
      ],
    }),
    row('Tokens and cost', {
      panels: [
        ts(
          'Output tokens per second by model',
          [[`sum by (model) (rate(ai_tokens_total{${AIM},direction="output"}[${RATE}]))`, '{{model}}']],
          { unit: 'short', description: 'Generated tokens per second (all replicas).' },
        ),
        ts(
          'Input tokens per second by model',
          [[`sum by (model) (rate(ai_tokens_total{${AIM},direction="input"}[${RATE}]))`, '{{model}}']],
          { unit: 'short' },
        ),
        ts(
          'Cost per hour by model (USD)',
          [[`sum by (model) (rate(ai_cost_micro_usd_total{${AIM}}[${RATE}])) * 3600 / 1e6`, '{{model}}']],
          { unit: 'currencyUSD' },
        ),
        ts(
          'Limits and price table',
          [
            [`sum by (limit) (rate(ai_limit_rejections_total{${NS}}[${RATE}]))`, 'refused: {{limit}}'],
            [`sum by (provider) (rate(ai_unpriced_calls_total{${AI}}[${RATE}]))`, 'unpriced: {{provider}}'],
          ],
          { unit: 'ops', description: 'Unpriced calls go to a paid model missing from the price table.' },
        ),
      ],
    }),
    row('Ollama replicas', {
      panels: [
        ts(
          'Calls in flight by replica',
          [[`sum by (replica) (ai_replica_in_flight{${NS}})`, '{{replica}}']],
          {
            w: 8,
          },
        ),
        ts(
          'Healthy (last probe) by replica',
          [[`min by (replica) (ai_replica_healthy{${NS}})`, '{{replica}}']],
          {
            w: 8,
            min: 0,
            max: 1,
          },
        ),
        ts(
          'Ejected (cooling down) by replica',
          [[`max by (replica) (ai_replica_cooldown{${NS}})`, '{{replica}}']],
          {
            w: 8,
            min: 0,
            max: 1,
          },
        ),
        ts(
          'Models pulled (operator)',
          [
            [
              `max by (namespace, stack) (elwosa_operator_stack_condition{${NS},condition="ModelsReady",status="True"} and on (job, instance) (elwosa_operator_leader == 1))`,
              '{{namespace}}/{{stack}}',
            ],
          ],
          {
            w: 24,
            min: 0,
            max: 1,
            description:
              '1 when every Ollama replica of the stack has every model (as the leading operator reports it).',
          },
        ),
      ],
    }),
    row('GPUs (dcgm-exporter)', {
      collapsed: true,
      panels: [
        ts(
          'GPU utilisation',
          [
            [
              `avg by (Hostname, gpu, modelName) (DCGM_FI_DEV_GPU_UTIL{${GPU}})`,
              '{{Hostname}} GPU {{gpu}} {{modelName}}',
            ],
          ],
          {
            unit: 'percent',
            min: 0,
            max: 100,
            description: 'From the NVIDIA dcgm-exporter (GPU Operator); empty without it. See docs/gpu.md.',
          },
        ),
        ts(
          'GPU memory used',
          [
            [
              `sum by (Hostname, gpu) (DCGM_FI_DEV_FB_USED{${GPU}}) / (sum by (Hostname, gpu) (DCGM_FI_DEV_FB_USED{${GPU}}) + sum by (Hostname, gpu) (DCGM_FI_DEV_FB_FREE{${GPU}}))`,
              '{{Hostname}} GPU {{gpu}}',
            ],
          ],
          { unit: 'percentunit', min: 0, max: 1 },
        ),
        ts(
          'GPU power',
          [[`sum by (Hostname, gpu) (DCGM_FI_DEV_POWER_USAGE{${GPU}})`, '{{Hostname}} GPU {{gpu}}']],
          {
            unit: 'watt',
          },
        ),
        ts(
          'GPU temperature',
          [[`max by (Hostname, gpu) (DCGM_FI_DEV_GPU_TEMP{${GPU}})`, '{{Hostname}} GPU {{gpu}}']],
          {
            unit: 'celsius',
          },
        ),
        ts(
          'GPU utilisation by Ollama pod',
          [
            [
              `avg by (exported_namespace, exported_pod) (DCGM_FI_DEV_GPU_UTIL{${GPU},exported_pod=~".+-ollama-[0-9]+"})`,
              '{{exported_namespace}}/{{exported_pod}}',
            ],
          ],
          {
            unit: 'percent',
            w: 24,
            description:
              'dcgm-exporter attributes GPUs to pods (exported_namespace/exported_pod when scraped through the GPU Operator ServiceMonitor).',
          },
        ),
      ],
    }),
  ],
});

// ---------------------------------------------------------------------------------------------
// Real time: WebSocket connections, messages, live events, resumes.

const realtime = dashboard({
  uid: 'elwosa-realtime',
  title: 'ELWOSA real time',
  description:
    'Gateway WebSockets: connections, messages, rejected upgrades, live events, resumes and resyncs.',
  tags: ['realtime'],
  variables: [queryVar('namespace', 'Namespace', 'gateway_ws_connections', 'namespace')],
  panels: [
    stat('Open WebSocket connections', [[`sum(gateway_ws_connections{${NS}})`, 'connections']]),
    stat('Messages per second', [[`sum(rate(gateway_ws_messages_total{${NS}}[${RATE}]))`, 'msg/s']], {
      unit: 'ops',
    }),
    stat(
      'Resumes replayed',
      [
        [
          `sum(rate(gateway_live_resumes_total{${NS},outcome="replayed"}[${RATE}])) / sum(rate(gateway_live_resumes_total{${NS}}[${RATE}]))`,
          'replayed',
        ],
      ],
      {
        unit: 'percentunit',
        decimals: 1,
        description: 'Resumes answered by replaying missed events (the rest resync).',
      },
    ),
    stat(
      'Rejected upgrades per second',
      [[`sum(rate(gateway_ws_rejected_upgrades_total{${NS}}[${RATE}]))`, 'rejected']],
      {
        unit: 'ops',
      },
    ),
    row('Connections and messages', {
      panels: [
        ts('Open connections by pod', [[`sum by (pod) (gateway_ws_connections{${NS}})`, '{{pod}}']]),
        ts(
          'Messages per second by direction',
          [[`sum by (direction) (rate(gateway_ws_messages_total{${NS}}[${RATE}]))`, '{{direction}}']],
          { unit: 'ops' },
        ),
        ts(
          'Rejected upgrades by status',
          [
            [
              `sum by (status_code) (rate(gateway_ws_rejected_upgrades_total{${NS}}[${RATE}]))`,
              '{{status_code}}',
            ],
          ],
          { unit: 'ops', w: 24 },
        ),
      ],
    }),
    row('Live events and resumes', {
      panels: [
        ts(
          'Live events per second',
          [
            [`sum(rate(gateway_live_events_received_total{${NS}}[${RATE}]))`, 'received (fan-out)'],
            [
              `sum by (path) (rate(gateway_live_events_delivered_total{${NS}}[${RATE}]))`,
              'delivered {{path}}',
            ],
          ],
          { unit: 'ops' },
        ),
        ts(
          'Resumes by outcome and resyncs by reason',
          [
            [`sum by (outcome) (rate(gateway_live_resumes_total{${NS}}[${RATE}]))`, 'resume {{outcome}}'],
            [`sum by (reason) (rate(gateway_live_resyncs_total{${NS}}[${RATE}]))`, 'resync {{reason}}'],
          ],
          { unit: 'ops' },
        ),
      ],
    }),
  ],
});

export const DASHBOARDS = { 'platform.json': platform, 'ai.json': ai, 'realtime.json': realtime };

if (import.meta.url === `file://${process.argv[1]}`) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const [file, d] of Object.entries(DASHBOARDS)) {
    const target = path.join(DIR, file);
    if (!check) writeFileSync(target, `${JSON.stringify(d, null, 2)}\n`);
    else if (!isDeepStrictEqual(JSON.parse(readFileSync(target, 'utf8')), d)) {
      console.error(`dashboards/${file} is stale: run node hack/dashboards.mjs`);
      stale++;
    }
  }
  process.exit(stale ? 1 : 0);
}

// Every metric the dashboards and alerts query must exist: the platform all-in-one (a child
// process) and the operator (against the test API server, its real registry and probe server)
// are started and scraped, and each metric name in dashboards/*.json, the stacks' PrometheusRule
// and the chart's PrometheusRule must be exported by them or listed as external in
// dashboards/external-metrics.yaml. Label matchers are checked against the samples' labels.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { freePort } from '../../../test-support/ports.ts';
import type { Operator } from '../../src/controller/operator.js';
import { renderManifest } from '../../src/render.js';
import type { TestApiServer } from '../../src/testing/api-server.js';
import { createStack, startTestCluster } from '../../src/testing/cluster.js';
import { template } from '../chart/helm.js';
import { VALUE_SETS } from '../chart/value-sets.js';
import { EXAMPLES, RENDER_ALL, readRepoFile, repoPath } from '../support/fixtures.js';
import { startOperator, waitForCondition } from '../support/operator.js';
import { type Exported, parseExposition } from './exposition.js';
import { dashboardExpressions, metricNames, selectors } from './promql.js';

const run = promisify(execFile);

/** The sources dashboards/external-metrics.yaml may name, and the prefix their metrics carry. */
const EXTERNAL_SOURCES: Record<string, RegExp> = {
  prometheus: /^(up|scrape_[a-z_]+)$/,
  'kube-state-metrics': /^kube_/,
  'dcgm-exporter': /^DCGM_/,
  'postgres-exporter': /^pg_/,
  'redis-exporter': /^redis_/,
};
/** Labels Prometheus (a ServiceMonitor's relabelling) adds to every scraped series. */
const TARGET_LABELS = new Set(['job', 'instance', 'namespace', 'pod', 'service', 'endpoint', 'container']);

const TARGET_PORT_VARS = [
  'GATEWAY',
  'AUTH',
  'CHAT',
  'TASKS',
  'AI_BRIDGE',
  'NOTIFICATIONS',
  'MEMORY',
  'ANALYTICS',
];

interface Expression {
  where: string;
  expr: string;
}

let platform: ChildProcess | undefined;
let platformOutput = '';
let dataDir: string;
let server: TestApiServer;
let operator: Operator | undefined;
const exported = new Map<string, Exported>();
const scraped: string[] = [];
let smokeOutput = '';

async function waitReady(url: string, timeoutMs = 150_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (platform?.exitCode !== null) throw new Error(`elwosa exited early:\n${platformOutput}`);
    try {
      if ((await fetch(`${url}/readyz`)).status === 200) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`elwosa not ready in time:\n${platformOutput}`);
}

async function scrape(name: string, url: string): Promise<void> {
  const res = await fetch(url);
  expect(res.status, `${name} ${url}`).toBe(200);
  parseExposition(await res.text(), exported);
  scraped.push(name);
}

beforeAll(async () => {
  // The CLI and the services run from dist: build them (incremental, quick when fresh).
  await run(
    process.execPath,
    [repoPath('node_modules', 'typescript', 'bin', 'tsc'), '-b', 'services/cli', 'operator'],
    {
      cwd: repoPath(),
      timeout: 240_000,
    },
  );
  dataDir = await mkdtemp(path.join(tmpdir(), 'elwosa-metrics-'));
  const ports: Record<string, string> = {};
  for (const name of TARGET_PORT_VARS) ports[name] = String(await freePort());
  const { DATABASE_URL: _d, REDIS_URL: _r, ...inherited } = process.env;
  platform = spawn(
    process.execPath,
    [repoPath('services', 'cli', 'bin', 'elwosa.js'), 'start', '--target', 'all'],
    {
      env: {
        ...inherited,
        ELWOSA_DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
        ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [`ELWOSA_PORT_${k}`, v])),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  platform.stdout?.on('data', (d) => {
    platformOutput += d;
  });
  platform.stderr?.on('data', (d) => {
    platformOutput += d;
  });

  // Meanwhile: the operator, with its default metrics, reconciling a stack to Ready.
  const cluster = await startTestCluster({ readyDelayMs: 5 });
  server = cluster.server;
  operator = await startOperator(cluster.kc, { probePort: 0, probeHost: '127.0.0.1', defaultMetrics: true });
  createStack(server.store, readRepoFile('examples', 'kind.yaml'));
  await waitForCondition(server, 'dev', 'Ready', 'True', 30_000);

  // Some traffic, so request histograms have samples with their labels: the kind smoke test
  // (hack/smoke.mjs; its chat step needs a model, which this machine does not have).
  const gateway = `http://127.0.0.1:${ports.GATEWAY}`;
  await waitReady(gateway);
  const smoke = await run(process.execPath, [repoPath('hack', 'smoke.mjs'), gateway, '--no-chat'], {
    timeout: 60_000,
  });
  smokeOutput = smoke.stdout;
  await fetch(`${gateway}/api/nothing-here`);

  for (const [name, port] of Object.entries(ports)) await scrape(name, `http://127.0.0.1:${port}/metrics`);
  await scrape('operator', `http://127.0.0.1:${operator.probePort}/metrics`);
}, 300_000);

afterAll(async () => {
  if (platform && platform.exitCode === null) {
    const exited = new Promise((r) => platform?.once('exit', r));
    platform.kill('SIGTERM');
    const timer = setTimeout(() => platform?.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  }
  await operator?.stop();
  await server?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}, 60_000);

/** dashboards/*.json, the stacks' alert rules (every example), the chart's alert rules. */
async function expressions(): Promise<Expression[]> {
  const out: Expression[] = [];
  for (const file of readdirSync(repoPath('dashboards')).filter((f) => f.endsWith('.json'))) {
    for (const expr of dashboardExpressions(JSON.parse(readRepoFile('dashboards', file))))
      out.push({ where: `dashboards/${file}`, expr });
  }
  type Rule = { alert?: string; record?: string; expr: string };
  const rulesOf = (o: { kind: string; spec?: unknown }) =>
    o.kind === 'PrometheusRule'
      ? (o.spec as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules)
      : [];
  for (const example of EXAMPLES) {
    for (const o of renderManifest(readRepoFile('examples', `${example}.yaml`), RENDER_ALL))
      for (const r of rulesOf(o)) out.push({ where: `${example} stack: ${r.alert}`, expr: r.expr });
  }
  const monitoring = VALUE_SETS.find((s) => s.name.startsWith('monitoring on'))!;
  for (const o of await template(monitoring.values))
    for (const r of rulesOf(o)) out.push({ where: `chart: ${r.alert}`, expr: r.expr });
  return out;
}

const external = parse(readRepoFile('dashboards', 'external-metrics.yaml')) as Record<string, string[]>;
const externalNames = new Set(Object.values(external).flat());

describe('PromQL extraction', () => {
  it('finds metric names and matchers, not functions, labels, variables or numbers', () => {
    expect(
      selectors(
        'sum by (job, le) (rate(http_request_duration_seconds_bucket{namespace=~"$namespace",status_code=~"5.."}[$__rate_interval])) / on (job) group_left max(up{job="x"}) * 3600 / 1e6 > bool 0.5',
      ),
    ).toEqual([
      { metric: 'http_request_duration_seconds_bucket', labels: ['namespace', 'status_code'] },
      { metric: 'up', labels: ['job'] },
    ]);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Grafana variable, not a template.
    expect(metricNames('label_values(ai_requests_total{namespace=~"${namespace}"}, model)')).toEqual([
      'ai_requests_total',
    ]);
    expect(metricNames('label_values(DCGM_FI_DEV_GPU_UTIL, Hostname)')).toEqual(['DCGM_FI_DEV_GPU_UTIL']);
    expect(metricNames('absent(up{a="b"} == 1) or vector(0) offset 5m')).toEqual(['up']);
    expect(metricNames('{__name__="process_cpu_seconds_total"}')).toEqual(['process_cpu_seconds_total']);
    expect(metricNames('topk(5, a_total - ignoring(x) b_total unless c)')).toEqual([
      'a_total',
      'b_total',
      'c',
    ]);
  });

  it('reads target expressions, collapsed rows and variable queries of a dashboard', () => {
    const d = {
      templating: {
        list: [
          { type: 'datasource', query: 'prometheus' },
          { type: 'query', query: { query: 'label_values(m1, x)' } },
        ],
      },
      panels: [{ targets: [{ expr: 'm2' }] }, { type: 'row', panels: [{ targets: [{ expr: 'm3' }] }] }],
    };
    expect(dashboardExpressions(d)).toEqual(['label_values(m1, x)', 'm2', 'm3']);
  });
});

describe('metrics in dashboards and alerts', () => {
  it('ran the smoke test of `make e2e` (without its chat step) against the all-in-one', () => {
    expect(smokeOutput).toMatch(/registered and signed in[\s\S]*created and listed task[\s\S]*passed/);
  });

  it('scraped the eight services and the operator, with samples and registered-only metrics', () => {
    expect(scraped).toEqual([...TARGET_PORT_VARS, 'operator']);
    // Samples after traffic; registered (HELP/TYPE) names before any observation.
    expect(exported.get('http_request_duration_seconds_count')?.labels).toContain('status_code');
    expect(exported.get('elwosa_operator_stack_condition')?.samples).toBeGreaterThan(0);
    expect(exported.has('ai_time_to_first_token_seconds_bucket')).toBe(true);
    expect(exported.has('process_resident_memory_bytes')).toBe(true);
  });

  it('names only metrics the platform or the operator export, or documented external ones', async () => {
    const exprs = await expressions();
    expect(exprs.length).toBeGreaterThan(50);
    const missing = exprs.flatMap(({ where, expr }) =>
      metricNames(expr)
        .filter((m) => !exported.has(m) && !externalNames.has(m))
        .map((m) => `${where}: ${m}`),
    );
    expect(missing).toEqual([]);
  });

  it('matches only labels the series carry (for metrics with samples here)', async () => {
    const wrong: string[] = [];
    for (const { where, expr } of await expressions()) {
      for (const s of selectors(expr)) {
        const e = exported.get(s.metric);
        if (!e || e.samples === 0) continue;
        for (const label of s.labels)
          if (!e.labels.has(label) && !TARGET_LABELS.has(label))
            wrong.push(`${where}: ${s.metric}{${label}}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('keeps the external list honest: known sources, their prefixes, used, not ours', async () => {
    expect(Object.keys(EXTERNAL_SOURCES)).toEqual(expect.arrayContaining(Object.keys(external)));
    const used = new Set((await expressions()).flatMap((e) => metricNames(e.expr)));
    for (const [source, names] of Object.entries(external)) {
      for (const name of names ?? []) {
        expect(name, source).toMatch(EXTERNAL_SOURCES[source] as RegExp);
        expect(used, `${name} is listed but unused`).toContain(name);
        expect(exported.has(name), `${name} is exported by ELWOSA`).toBe(false);
      }
    }
  });
});

describe('alerts', () => {
  it('link every alert to a runbook in docs/runbooks/', async () => {
    type Rule = { alert: string; annotations: { runbook_url: string } };
    const rules: Rule[] = [];
    for (const example of EXAMPLES) {
      for (const o of renderManifest(readRepoFile('examples', `${example}.yaml`), RENDER_ALL))
        if (o.kind === 'PrometheusRule')
          rules.push(...(o.spec as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules));
    }
    const monitoring = VALUE_SETS.find((s) => s.name.startsWith('monitoring on'))!;
    for (const o of await template(monitoring.values))
      if (o.kind === 'PrometheusRule')
        rules.push(...(o.spec as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules));
    const alerts = new Set(rules.map((r) => r.alert));
    for (const a of [
      'ElwosaComponentDown',
      'ElwosaHighErrorRate',
      'ElwosaHighLatencyP95',
      'ElwosaPostgresDown',
      'ElwosaGpuUnschedulable',
      'ElwosaModelNotLoaded',
      'ElwosaBackgroundJobFailing',
      'ElwosaOperatorReconcileErrors',
      'ElwosaOperatorDown',
      'ElwosaOperatorNoLeader',
    ])
      expect(alerts).toContain(a);
    for (const r of rules) {
      expect(r.annotations.runbook_url).toMatch(new RegExp(`/docs/runbooks/${r.alert}\\.md$`));
      const file = repoPath('docs', 'runbooks', `${r.alert}.md`);
      expect(existsSync(file), file).toBe(true);
      const text = readFileSync(file, 'utf8');
      expect(text, r.alert).toMatch(new RegExp(`^# ${r.alert}\\b`));
      for (const section of ['## Meaning', '## Diagnosis', '## Mitigation'])
        expect(text, `${r.alert} ${section}`).toContain(section);
    }
  });
});

// Operator benchmark against the test API server (simulated readiness, 20 ms per workload).
//   npx tsc -b operator && node bench/operator/bench.mjs
// Measures: create → Ready for one stack (median of 5 fresh clusters) and, as the baseline
// measured in the same run, a naive client that applies every rendered object at once and
// polls until the workloads are ready (no ordering, no status: the floor the test API server
// and its simulated controllers set), the ratio of the two, API writes per no-op
// reconcile (target 0), and 100 stacks in 10 namespaces: time until all are Ready (target ≤ 30 s)
// and the operator's peak RSS (target ≤ 300 MB). The API server runs in a child process, so the
// RSS is the operator's. The operator runs with the V8 flags its image sets through NODE_OPTIONS
// (OPERATOR_NODE_FLAGS below); the script re-executes itself with them.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { KINDS } from '../../operator/dist/controller/kinds.js';
import { KubeApi } from '../../operator/dist/controller/kube-api.js';
import { Operator } from '../../operator/dist/controller/operator.js';
import { renderManifest } from '../../operator/dist/render.js';
import { generateSecrets } from '../../operator/dist/secrets.js';
import { kubeConfigFor } from '../../operator/dist/testing/cluster.js';
import { toYaml } from '../../operator/dist/yaml.js';

const OPERATOR_NODE_FLAGS = ['--max-semi-space-size=4', '--max-old-space-size=192'];
if (!OPERATOR_NODE_FLAGS.every((f) => process.execArgv.includes(f))) {
  const child = spawn(process.execPath, [...OPERATOR_NODE_FLAGS, ...process.argv.slice(1)], {
    stdio: 'inherit',
  });
  child.on('exit', (code) => process.exit(code ?? 1));
} else {
  await main();
}

async function main() {
  const example = parse(
    readFileSync(fileURLToPath(new URL('../../examples/kind.yaml', import.meta.url)), 'utf8'),
  );
  const manifest = (name, namespace) => ({ ...structuredClone(example), metadata: { name, namespace } });
  const isReady = (s) => s.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

  async function startServer() {
    const child = spawn(process.execPath, [fileURLToPath(new URL('./api-server.mjs', import.meta.url))], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const url = await new Promise((resolve) =>
      createInterface({ input: child.stdout }).once('line', resolve),
    );
    return {
      url,
      stop: () =>
        new Promise((r) => {
          child.once('exit', r);
          child.kill('SIGTERM');
        }),
    };
  }

  async function startOperator(url) {
    const kc = kubeConfigFor(url);
    const op = new Operator(kc, {
      log: () => {},
      probePort: undefined,
      leaseNamespace: 'elwosa-system',
      dashboards: [],
    });
    await op.start();
    return { op, api: new KubeApi(kc) };
  }

  /** Polls the stacks (every 25 ms for one stack, every 250 ms for many: listing is not free). */
  async function waitAllReady(api, count, timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    const interval = count > 1 ? 250 : 25;
    for (;;) {
      const ready = (await api.list(KINDS.stack)).items.filter(isReady).length;
      if (ready >= count) return;
      if (Date.now() > deadline) throw new Error(`only ${ready}/${count} stacks Ready after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, interval));
    }
  }

  /** The baseline: apply everything the operator would, then poll the workloads until ready. */
  async function naiveBringUp(api) {
    const objects = renderManifest(toYaml(manifest('dev', 'default')), {
      capabilities: { monitoring: false, cloudNativePG: false },
      dashboards: [],
      secrets: generateSecrets(),
    });
    for (const o of objects) {
      if (o.kind === 'Secret' || o.kind === 'Job') await api.create(o);
      else await api.apply(o);
    }
    const workloads = objects.filter((o) => ['Deployment', 'StatefulSet', 'Job'].includes(o.kind));
    const ready = (o) =>
      o.kind === 'Job'
        ? (o.status?.conditions ?? []).some((c) => c.type === 'Complete' && c.status === 'True')
        : (o.status?.readyReplicas ?? 0) >= (o.spec?.replicas ?? 1);
    for (;;) {
      const live = await Promise.all(
        workloads.map((o) =>
          api.get(
            KINDS[o.kind === 'Job' ? 'job' : o.kind === 'Deployment' ? 'deployment' : 'statefulSet'],
            'default',
            o.metadata.name,
          ),
        ),
      );
      if (live.every(ready)) return;
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  const baseline = [];
  for (let i = 0; i < 5; i++) {
    const server = await startServer();
    const api = new KubeApi(kubeConfigFor(server.url));
    const t0 = performance.now();
    await naiveBringUp(api);
    baseline.push(performance.now() - t0);
    await server.stop();
  }
  baseline.sort((a, b) => a - b);

  /** Writes the reconciler sent (the Lease client is separate and not counted). */
  const writes = async (op) => (await op.metrics.writes.get()).values.reduce((n, v) => n + v.value, 0);

  const createToReady = [];
  let writesPerNoop;
  let writesPerStack;
  for (let i = 0; i < 5; i++) {
    const server = await startServer();
    const { op, api } = await startOperator(server.url);
    const t0 = performance.now();
    await api.create(manifest('dev', 'default'));
    await waitAllReady(api, 1, 30_000);
    createToReady.push(performance.now() - t0);
    if (i === 0) {
      await new Promise((r) => setTimeout(r, 500));
      await op.idle();
      writesPerStack = await writes(op);
      const before = writesPerStack;
      const rounds = 10;
      for (let r = 0; r < rounds; r++) {
        op.resyncNow();
        await new Promise((res) => setTimeout(res, 20));
        await op.idle();
      }
      writesPerNoop = ((await writes(op)) - before) / rounds;
    }
    await op.stop();
    await server.stop();
  }
  createToReady.sort((a, b) => a - b);

  const server = await startServer();
  const { op, api } = await startOperator(server.url);
  let peakRss = process.memoryUsage().rss;
  const sample = () => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  };
  const sampler = setInterval(sample, 250);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: 100 }, (_, i) => api.create(manifest(`s${i}`, `ns${i % 10}`))));
  await waitAllReady(api, 100, 180_000);
  sample();
  const hundredMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);
  const hundredWrites = await writes(op);
  await op.stop();
  await server.stop();

  const result = {
    nodeFlags: OPERATOR_NODE_FLAGS.join(' '),
    createToReadyMs: {
      median: Math.round(createToReady[2]),
      min: Math.round(createToReady[0]),
      max: Math.round(createToReady[4]),
    },
    baselineNaiveApplyMs: {
      median: Math.round(baseline[2]),
      min: Math.round(baseline[0]),
      max: Math.round(baseline[4]),
    },
    createToReadyVsBaseline: Number((createToReady[2] / baseline[2]).toFixed(2)),
    writesToBringUpOneStack: writesPerStack,
    writesPerNoopReconcile: writesPerNoop,
    hundredStacks: {
      allReadyMs: Math.round(hundredMs),
      writes: hundredWrites,
      operatorPeakRssMB: Math.round(peakRss / 2 ** 20),
      // CPU the operator used (user + system): unlike wall time, independent of machine load.
      operatorCpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(1)),
    },
    loadAverage1m: Number(os.loadavg()[0].toFixed(1)),
    targets: { writesPerNoopReconcile: 0, hundredStacksMs: 30_000, operatorPeakRssMB: 300 },
  };
  console.log(JSON.stringify(result));
  process.exitCode = writesPerNoop === 0 && hundredMs <= 30_000 && peakRss / 2 ** 20 <= 300 ? 0 : 1;
}

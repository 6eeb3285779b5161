#!/usr/bin/env node
// Bridge overhead against a fake Ollama upstream, with and without the bridge in the same run.
//   sequential: one request at a time, alternating batches straight to the fake's /api/chat
//     (streamed NDJSON, as the bridge asks for it) and through the bridge's non-streaming
//     POST /v1/chat/completions (JWT check, limits, routing, normalisation, usage event);
//     the p50 difference is the overhead (target ≤ 3 ms).
//   throughput: autocannon, CONNECTIONS connections, non-streaming completions through the
//     bridge (target ≥ 300 req/s on 2 cores; the fake upstream and the load generator share them).
//   cache hits: the same deterministic request (temperature 0) again and again, answered from
//     the response cache (target p99 ≤ 10 ms).
// Bridge, fake upstream and load generator run in three processes. Prints one JSON line.
//
//   npx tsc -b && node bench/ai/bridge-overhead.mjs
//   env: REQUESTS (2000 sequential per side), DURATION_S (5), CONNECTIONS (50),
//        REDIS_URL (redis://127.0.0.1:6379; in-process cache when unreachable), BENCH_LOGS
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { Pool } from 'undici';
import { ask, bridgeSetup, percentile, round } from './common.mjs';

const requests = Number(process.env.REQUESTS ?? 2000);
const durationS = Number(process.env.DURATION_S ?? 5);
const connections = Number(process.env.CONNECTIONS ?? 50);
const BATCH = 100;

const setup = await bridgeSetup();
const token = setup.kit.tokens[0];
const messages = (i) => [{ role: 'user', content: `hello ${i}` }];
const sides = {
  direct: {
    pool: new Pool(setup.upstream.url, { connections: 1 }),
    path: '/api/chat',
    headers: { 'content-type': 'application/json' },
    body: (i) => JSON.stringify({ model: 'llama3.2', messages: messages(i), stream: true }),
  },
  bridge: {
    pool: new Pool(setup.bridge.url, { connections: 1 }),
    path: '/v1/chat/completions',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: (i) => JSON.stringify({ model: 'llama3.2', messages: messages(i) }),
  },
};

async function once(side, i) {
  const started = performance.now();
  const res = await side.pool.request({
    method: 'POST',
    path: side.path,
    headers: side.headers,
    body: side.body(i),
  });
  const text = await res.body.text();
  if (res.statusCode !== 200 || !text.includes('w2'))
    throw new Error(`${side.path}: ${res.statusCode} ${text.slice(0, 200)}`);
  return performance.now() - started;
}

try {
  // Warm-up (connections, JIT, the tokenizer), then alternating batches to spread machine noise.
  for (let i = 0; i < 200; i++) {
    await once(sides.direct, i);
    await once(sides.bridge, i);
  }
  const times = { direct: [], bridge: [] };
  for (let done = 0; done < requests; done += BATCH) {
    for (const name of ['direct', 'bridge']) {
      for (let i = 0; i < BATCH; i++) times[name].push(await once(sides[name], done + i));
    }
  }
  for (const t of Object.values(times)) t.sort((a, b) => a - b);

  const cached = {
    ...sides.bridge,
    body: () => JSON.stringify({ model: 'llama3.2', temperature: 0, messages: messages('cached') }),
  };
  await once(cached, 0); // the miss that fills the cache
  const hits = [];
  for (let i = 0; i < requests / 2; i++) hits.push(await once(cached, i));
  hits.sort((a, b) => a - b);

  const load = (url, path, headers, body) =>
    autocannon({ url: `${url}${path}`, method: 'POST', headers, body, connections, duration: durationS });
  const cpuBefore = await ask(setup.bridge.child, 'cpu', 'cpuMs');
  const bridged = await load(
    setup.bridge.url,
    sides.bridge.path,
    sides.bridge.headers,
    sides.bridge.body('load'),
  );
  const cpuAfter = await ask(setup.bridge.child, 'cpu', 'cpuMs');
  const direct = await load(
    setup.upstream.url,
    sides.direct.path,
    sides.direct.headers,
    sides.direct.body('load'),
  );

  const p = (name, q) => round(percentile(times[name], q), 3);
  const result = {
    bench: 'ai-bridge-overhead',
    cache: setup.cache,
    sequential: {
      requests,
      directP50Ms: p('direct', 50),
      bridgeP50Ms: p('bridge', 50),
      addedP50Ms: round(p('bridge', 50) - p('direct', 50), 3),
      directP99Ms: p('direct', 99),
      bridgeP99Ms: p('bridge', 99),
      addedP99Ms: round(p('bridge', 99) - p('direct', 99), 3),
    },
    cacheHits: {
      requests: hits.length,
      p50Ms: round(percentile(hits, 50), 3),
      p99Ms: round(percentile(hits, 99), 3),
    },
    throughput: {
      connections,
      durationS,
      bridgeRps: round(bridged.requests.average, 1),
      directRps: round(direct.requests.average, 1),
      bridgeP50Ms: bridged.latency.p50,
      bridgeP99Ms: bridged.latency.p99,
      bridgeErrors: bridged.errors + bridged.timeouts + bridged.non2xx,
      bridgeCpuMsPerRequest: round((cpuAfter - cpuBefore) / Math.max(1, bridged.requests.total), 3),
    },
    targets: { addedP50Ms: 3, bridgeRps: 300, cacheHitP99Ms: 10 },
  };
  result.pass =
    result.sequential.addedP50Ms <= 3 &&
    result.throughput.bridgeRps >= 300 &&
    result.throughput.bridgeErrors === 0 &&
    result.cacheHits.p99Ms <= 10;
  console.log(JSON.stringify(result));
} finally {
  await Promise.all(Object.values(sides).map((s) => s.pool.close()));
  await setup.stop();
}

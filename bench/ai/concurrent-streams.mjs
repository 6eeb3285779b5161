#!/usr/bin/env node
// 1,000 concurrent streams through the bridge: every client opens a streaming
// /v1/chat/completions at once against a fake Ollama that answers BENCH_CHUNKS words,
// BENCH_CHUNK_DELAY_MS apart (≈ 2 s per stream), and reads it to [DONE]. Reports errors, the
// bridge's RSS before, at the peak and after (target: no errors, RSS ≤ 512 MB) and the time to
// first byte. Bridge, fake upstream and clients run in three processes. Prints one JSON line.
//
//   npx tsc -b && node bench/ai/concurrent-streams.mjs
//   env: STREAMS (1000), USERS (50), BENCH_CHUNKS (40), BENCH_CHUNK_DELAY_MS (50), REDIS_URL
import { performance } from 'node:perf_hooks';
import { Agent, fetch } from 'undici';
import { ask, bridgeSetup, percentile, round } from './common.mjs';

const streams = Number(process.env.STREAMS ?? 1000);
const userCount = Number(process.env.USERS ?? 50);
const chunks = Number(process.env.BENCH_CHUNKS ?? 40);
const delayMs = Number(process.env.BENCH_CHUNK_DELAY_MS ?? 50);

const setup = await bridgeSetup(
  { BENCH_CHUNKS: String(chunks), BENCH_CHUNK_DELAY_MS: String(delayMs) },
  userCount,
);
const dispatcher = new Agent({ connections: streams + 10, bodyTimeout: 120_000, headersTimeout: 120_000 });
const mb = (bytes) => round(bytes / 1024 / 1024, 1);

async function stream(i) {
  const started = performance.now();
  const res = await fetch(`${setup.bridge.url}/v1/chat/completions`, {
    method: 'POST',
    dispatcher,
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${setup.kit.tokens[i % userCount]}`,
    },
    body: JSON.stringify({
      model: 'llama3.2',
      messages: [{ role: 'user', content: `stream ${i}` }],
      stream: true,
    }),
  });
  if (res.status !== 200) throw new Error(`status ${res.status}: ${await res.text()}`);
  const decoder = new TextDecoder();
  let text = '';
  let ttfb;
  for await (const part of res.body) {
    ttfb ??= performance.now() - started;
    text += decoder.decode(part, { stream: true });
  }
  const deltas = (text.match(/"content":"[^"]+"/g) ?? []).length;
  if (!text.endsWith('data: [DONE]\n\n') || deltas !== chunks)
    throw new Error(`incomplete stream (${deltas} deltas)`);
  return ttfb;
}

try {
  await stream(0); // warm-up
  const rssBefore = await ask(setup.bridge.child, 'rss', 'rss');
  let peak = rssBefore;
  const sampler = setInterval(async () => {
    peak = Math.max(peak, await ask(setup.bridge.child, 'rss', 'rss'));
  }, 200);
  const cpuBefore = await ask(setup.bridge.child, 'cpu', 'cpuMs');
  const upstreamCpuBefore = await ask(setup.upstream.child, 'cpu', 'cpuMs');
  const clientCpuBefore = process.cpuUsage();
  const started = performance.now();
  const results = await Promise.allSettled(Array.from({ length: streams }, (_, i) => stream(i)));
  const wallMs = performance.now() - started;
  clearInterval(sampler);
  const bridgeCpuMs = (await ask(setup.bridge.child, 'cpu', 'cpuMs')) - cpuBefore;
  const upstreamCpuMs = (await ask(setup.upstream.child, 'cpu', 'cpuMs')) - upstreamCpuBefore;
  const clientCpu = process.cpuUsage(clientCpuBefore);
  const clientCpuMs = (clientCpu.user + clientCpu.system) / 1000;
  peak = Math.max(peak, await ask(setup.bridge.child, 'rss', 'rss'));
  await new Promise((r) => setTimeout(r, 2000));
  const rssAfter = await ask(setup.bridge.child, 'rss', 'rss');
  const failures = results.filter((r) => r.status === 'rejected');
  const ttfbs = results
    .filter((r) => r.status === 'fulfilled')
    .map((r) => r.value)
    .sort((a, b) => a - b);
  const result = {
    bench: 'ai-concurrent-streams',
    cache: setup.cache,
    streams,
    users: userCount,
    chunksPerStream: chunks,
    chunkDelayMs: delayMs,
    errors: failures.length,
    firstError: failures[0]?.reason?.message,
    wallMs: round(wallMs, 0),
    bridgeCpuMs: round(bridgeCpuMs, 0),
    bridgeCpuMsPerChunk: round(bridgeCpuMs / (streams * chunks), 4),
    upstreamCpuMs: round(upstreamCpuMs, 0),
    clientCpuMs: round(clientCpuMs, 0),
    idealStreamMs: chunks * delayMs,
    ttfbP50Ms: round(percentile(ttfbs, 50), 1),
    ttfbP99Ms: round(percentile(ttfbs, 99), 1),
    rssBeforeMb: mb(rssBefore),
    rssPeakMb: mb(peak),
    rssAfterMb: mb(rssAfter),
    targets: { errors: 0, rssPeakMb: 512 },
  };
  result.pass = result.errors === 0 && result.rssPeakMb <= 512;
  console.log(JSON.stringify(result));
} finally {
  await dispatcher.close();
  await setup.stop();
}

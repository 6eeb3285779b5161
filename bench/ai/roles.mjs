// Child processes of the AI benchmarks (one role per process, so the load generator, the bridge
// and the fake upstream do not share an event loop):
//   node bench/ai/roles.mjs upstream   a fake Ollama (test-support/ai) with llama3.2 loaded;
//                                      BENCH_CHUNKS words per answer, BENCH_CHUNK_DELAY_MS apart
//   node bench/ai/roles.mjs bridge     the ai-bridge target (built dist), JWKS from
//                                      JWT_JWKS_URL, limits off, the bench users' sessions in the cache
// Each reports `{ port }` over IPC when ready and answers `rss` / `cpu` messages.
import { existsSync } from 'node:fs';

const root = new URL('../../', import.meta.url);
const role = process.argv[2];

if (role === 'upstream') {
  const { startFakeOllama, fakeModels, scenarios } = await import(
    new URL('test-support/ai/index.ts', root).href
  );
  const fake = await startFakeOllama({ models: [{ ...fakeModels.llama, loaded: true }] });
  const words = Number(process.env.BENCH_CHUNKS ?? 3);
  const delayMs = Number(process.env.BENCH_CHUNK_DELAY_MS ?? 0);
  const text = Array.from({ length: words }, (_, i) => `w${i}`).join(' ');
  fake.respondWith(() => scenarios.reply(text, { delayMs }));
  // The bench sends many requests: do not keep them all.
  setInterval(() => fake.requests.splice(0), 1000).unref();
  ready(fake.port);
} else if (role === 'bridge') {
  for (const dist of ['services/runtime/dist/index.js', 'services/ai-bridge/dist/index.js']) {
    if (!existsSync(new URL(dist, root))) {
      console.error(`${dist} is missing: run \`npx tsc -b\` first`);
      process.exit(2);
    }
  }
  const runtime = await import(new URL('services/runtime/dist/index.js', root).href);
  const { startAiBridge } = await import(new URL('services/ai-bridge/dist/index.js', root).href);
  const env = {
    ELWOSA_DATA_DIR: '/tmp/elwosa-bench-ai',
    ELWOSA_AI_RPM: '0',
    ELWOSA_AI_TPM: '0',
    ELWOSA_AI_MAX_STREAMS: '0',
    ELWOSA_AI_REPLICA_CONCURRENCY: '5000',
    LOG_LEVEL: 'warn',
    ...process.env,
  };
  const config = runtime.toPlatformConfig(runtime.platformEnvSchema.parse(env));
  config.ports['ai-bridge'] = 0;
  const logger = runtime.createLogger({ level: env.LOG_LEVEL });
  const lifecycle = new runtime.Lifecycle(logger, 5000);
  const cache = await runtime.createCacheBus({
    ...(process.env.BENCH_REDIS_URL ? { redisUrl: process.env.BENCH_REDIS_URL } : {}),
    keyPrefix: process.env.BENCH_PREFIX ?? 'bench-ai:',
  });
  for (const { sub, sid } of JSON.parse(process.env.BENCH_USERS ?? '[]')) {
    await cache.set(runtime.activeSessionKey(sid), sub, { ttlMs: 3_600_000 });
  }
  const running = await startAiBridge({
    config,
    env,
    logger,
    lifecycle,
    cache,
    databaseUrl: '',
    migrateOnStart: false,
  });
  process.on('SIGTERM', () => void lifecycle.shutdown('bench done').then(() => process.exit(0)));
  ready(running.port);
} else {
  console.error('usage: roles.mjs upstream|bridge');
  process.exit(2);
}

function ready(port) {
  process.on('message', (m) => {
    if (m === 'rss') process.send({ rss: process.memoryUsage().rss });
    if (m === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.send({ cpuMs: (user + system) / 1000 });
    }
  });
  process.send({ port });
}

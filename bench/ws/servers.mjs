// The two servers the WebSocket fan-out bench measures, each in a child process of its own
// (forked by ws-fanout.mjs with BENCH_ROLE):
//   gateway  the real gateway (startGateway): token check at upgrade, hub, user-events relay,
//            delivery state, metrics — on the shared Redis
//   raw      the baseline: a bare `ws` server holding sockets per user and relaying the same
//            Redis channel with the runtime's cache bus, nothing else (no auth, no envelope state)
// Both answer IPC 'mem' with their memory after a full GC (RSS, heap used, the young
// generation's committed size) and report `{port}` when listening.
import http from 'node:http';
import v8 from 'node:v8';

const root = new URL('../../', import.meta.url);

export async function runServer(role) {
  const runtime = await import(new URL('services/runtime/dist/index.js', root).href);
  const logger = runtime.createLogger({ level: process.env.LOG_LEVEL ?? 'warn' });
  const cache = await runtime.createCacheBus({
    redisUrl: process.env.BENCH_REDIS_URL,
    keyPrefix: process.env.BENCH_PREFIX,
    logger,
  });
  const port =
    role === 'gateway' ? await startGateway(runtime, cache, logger) : await startRaw(runtime, cache);
  process.on('message', async (message) => {
    if (message !== 'mem') return;
    for (let i = 0; i < 3; i++) {
      globalThis.gc?.();
      await new Promise((r) => setTimeout(r, 300));
    }
    const { rss, heapUsed } = process.memoryUsage();
    // The young generation's committed size: V8 grows it under a high allocation rate (the
    // connection storm) and keeps it, empty, in RSS.
    const young = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
    process.send({ rss, heapUsed, young });
  });
  process.on('SIGTERM', () => process.exit(0));
  process.send({ port });
}

async function startGateway(runtime, cache, logger) {
  const { createLocalJWKSet } = await import('jose');
  const { startGateway } = await import(new URL('services/gateway/dist/index.js', root).href);
  const config = runtime.toPlatformConfig(
    runtime.platformEnvSchema.parse({
      ELWOSA_DATA_DIR: '/tmp/elwosa-bench-ws',
      ELWOSA_RATE_LIMIT_PER_MINUTE: '1000000',
    }),
  );
  config.ports.gateway = 0;
  const lifecycle = new runtime.Lifecycle(logger, 5000);
  const deps = { config, env: process.env, logger, lifecycle, cache, databaseUrl: '', migrateOnStart: false };
  const tokenKeys = createLocalJWKSet({ keys: [JSON.parse(process.env.BENCH_JWK)] });
  return (await startGateway(deps, { routeSpecs: [], tokenKeys })).port;
}

async function startRaw(runtime, cache) {
  const { WebSocketServer } = await import('ws');
  const byUser = new Map();
  const server = http.createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ server, path: '/ws', perMessageDeflate: false });
  const deliver = (message) => {
    const event = JSON.parse(message);
    const text = JSON.stringify({ type: event.type, seq: event.seq, data: event.data });
    for (const ws of byUser.get(event.userId) ?? []) ws.send(text);
  };
  // The user's channel is subscribed with their first socket, as the gateway's relay does.
  const subscribed = new Map();
  wss.on('connection', async (ws, req) => {
    const userId = new URL(req.url, 'http://x').searchParams.get('user');
    const set = byUser.get(userId) ?? new Set();
    byUser.set(userId, set);
    set.add(ws);
    ws.on('close', () => set.delete(ws));
    if (!subscribed.has(userId))
      subscribed.set(userId, cache.subscribe(runtime.userEventChannel(userId), deliver));
    await subscribed.get(userId);
    ws.send(JSON.stringify({ type: 'hello', seq: null, data: { userId } }));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return server.address().port;
}

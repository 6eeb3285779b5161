// Starts the gateway in the test process on a free port, with fake upstreams for auth and tasks
// (every other target points at a closed port), a local signing key, and the real Redis when
// reachable (the in-process cache otherwise), each run under its own key prefix.
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import {
  activeSessionKey,
  type CacheBus,
  createCacheBus,
  createLogger,
  installTracePropagation,
  Lifecycle,
  type PlatformDeps,
  platformEnvSchema,
  type RouteSpec,
  TARGETS,
  type Target,
  targetEnvName,
  toPlatformConfig,
} from '@elwosa/runtime';
import { haveRealRedis, TEST_REDIS_OPTIONS, TEST_REDIS_URL } from '../../../../test-support/backends.ts';
import { freePort } from '../../../../test-support/ports.ts';
import { createTokenKit, type SignOptions, type TokenKit } from '../../../../test-support/tokens.ts';
import { type GatewayOptions, type RunningGateway, startGateway } from '../../src/index.js';
import { type FakeUpstream, startFakeUpstream } from './fake-upstream.js';
import { testRouteSpecs } from './route-specs.js';

export const ALLOWED_ORIGIN = 'https://app.example.com';

export interface Harness {
  url: string;
  wsUrl: string;
  gateway: RunningGateway;
  deps: PlatformDeps;
  cache: CacheBus;
  auth: FakeUpstream;
  tasks: FakeUpstream;
  /** Closed ports the other targets point at. */
  closedPorts: Partial<Record<Target, number>>;
  tokens: TokenKit;
  logs: string[];
  /** Signs a token for a live session (the session key is in the cache). */
  login(options?: SignOptions): Promise<{ token: string; userId: string; sessionId: string }>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  gateway?: Partial<GatewayOptions>;
  routeSpecs?: RouteSpec[];
  cache?: CacheBus;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  installTracePropagation();
  const [auth, tasks, tokens] = await Promise.all([
    startFakeUpstream(),
    startFakeUpstream(),
    createTokenKit(),
  ]);
  const env: Record<string, string> = {
    ELWOSA_DATA_DIR: '/tmp/elwosa-gateway-test',
    ELWOSA_CORS_ORIGINS: ALLOWED_ORIGIN,
    ELWOSA_RATE_LIMIT_PER_MINUTE: '100000',
    ELWOSA_SERVICE_AUTH_URL: auth.url,
    ELWOSA_SERVICE_TASKS_URL: tasks.url,
  };
  const closedPorts: Partial<Record<Target, number>> = {};
  for (const t of TARGETS) {
    if (t === 'gateway' || t === 'auth' || t === 'tasks') continue;
    closedPorts[t] = await freePort();
    env[`ELWOSA_SERVICE_${targetEnvName(t)}_URL`] = `http://127.0.0.1:${closedPorts[t]}`;
  }
  Object.assign(env, options.env);
  const config = toPlatformConfig(platformEnvSchema.parse(env));
  config.ports.gateway = 0;
  const logs: string[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: new Writable({
      write(chunk, _enc, cb) {
        logs.push(String(chunk));
        cb();
      },
    }),
  });
  const lifecycle = new Lifecycle(logger, 4000);
  const cache =
    options.cache ??
    (await createCacheBus({
      ...(haveRealRedis() ? { redisUrl: TEST_REDIS_URL } : {}),
      keyPrefix: `test:gateway:${randomUUID()}:`,
      logger,
      redis: TEST_REDIS_OPTIONS,
    }));
  lifecycle.on('release', () => cache.close());
  const deps: PlatformDeps = {
    config,
    env,
    logger,
    lifecycle,
    cache,
    databaseUrl: '',
    migrateOnStart: false,
  };
  const gateway = await startGateway(deps, {
    routeSpecs: options.routeSpecs ?? testRouteSpecs,
    tokenKeys: tokens.keys,
    ...options.gateway,
  });
  const url = `http://127.0.0.1:${gateway.port}`;
  return {
    url,
    wsUrl: `ws://127.0.0.1:${gateway.port}/ws`,
    gateway,
    deps,
    cache,
    auth,
    tasks,
    closedPorts,
    tokens,
    logs,
    async login(signOptions = {}) {
      const userId = signOptions.sub ?? randomUUID();
      const sessionId = signOptions.sid ?? randomUUID();
      await cache.set(activeSessionKey(sessionId), userId, { ttlMs: 600_000 });
      return { token: await tokens.sign({ ...signOptions, sub: userId, sid: sessionId }), userId, sessionId };
    },
    async stop() {
      await lifecycle.shutdown('test done');
      await Promise.all([auth.close(), tasks.close()]);
    },
  };
}

// Starts platform services in the test process, on free ports, against either the real
// PostgreSQL + Redis or the embedded backends (PGlite + in-process cache), exactly as
// `elwosa start` wires them. Each platform gets its own database and cache key prefix.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { resolveDatabase } from '@elwosa/cli/platform';
import { availableTargets, serviceEntry } from '@elwosa/cli/service-registry';
import {
  createCacheBus,
  createLogger,
  Lifecycle,
  type PlatformConfig,
  type PlatformDeps,
  platformEnvSchema,
  type RunningService,
  TARGETS,
  type Target,
  targetEnvName,
  toPlatformConfig,
} from '@elwosa/runtime';
import { haveRealPg, haveRealRedis, TEST_REDIS_OPTIONS, TEST_REDIS_URL } from './backends.ts';
import { createTestDatabase } from './db.ts';
import { freePort } from './ports.ts';

export type BackendKind = 'real' | 'embedded';

/** The backends to run an integration suite against: real ones when reachable, always embedded. */
export function backendKinds(): BackendKind[] {
  return haveRealPg() && haveRealRedis() ? ['real', 'embedded'] : ['embedded'];
}

export interface TestPlatform {
  kind: BackendKind;
  config: PlatformConfig;
  deps: PlatformDeps;
  /** Base URL of the gateway when it runs, otherwise of the first target. */
  url: string;
  urlOf(target: Target): string;
  running: RunningService[];
  logs: string[];
  stop(): Promise<void>;
}

export interface TestPlatformOptions {
  targets: Target[];
  kind: BackendKind;
  env?: Record<string, string>;
  /** Redis URL override for the real backends (e.g. through a TcpProxy). */
  redisUrl?: string;
  /** Rewrites the real test database's URL the platform connects with (e.g. through a TcpProxy). */
  routeDatabase?: (url: string) => string;
}

/** Starts the platform; retries with fresh ports when another process took one meanwhile. */
export async function startTestPlatform(options: TestPlatformOptions): Promise<TestPlatform> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (err) {
      const inUse = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
      if (!inUse || attempt >= 3) throw err;
    }
  }
}

async function startOnce(options: TestPlatformOptions): Promise<TestPlatform> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'elwosa-test-'));
  const env: Record<string, string> = { ELWOSA_DATA_DIR: dataDir, LOG_LEVEL: 'info', ...options.env };
  for (const t of TARGETS) env[`ELWOSA_PORT_${targetEnvName(t)}`] = String(await freePort());
  const database = options.kind === 'real' ? await createTestDatabase() : undefined;
  if (database) env.DATABASE_URL = options.routeDatabase?.(database.url) ?? database.url;
  const config = toPlatformConfig(platformEnvSchema.parse(env));
  const logs: string[] = [];
  const logger = createLogger({
    level: 'info',
    destination: new Writable({
      write(chunk, _enc, cb) {
        logs.push(String(chunk));
        cb();
      },
    }),
  });
  const lifecycle = new Lifecycle(logger, 5000);
  const cache = await createCacheBus({
    ...(options.kind === 'real' ? { redisUrl: options.redisUrl ?? TEST_REDIS_URL } : {}),
    keyPrefix: `test:${path.basename(dataDir)}:`,
    logger,
    redis: TEST_REDIS_OPTIONS,
  });
  lifecycle.on('release', () => cache.close());
  const databaseUrl = await resolveDatabase(config, logger, lifecycle);
  const deps: PlatformDeps = {
    config,
    env: { ...process.env, ...env },
    logger,
    lifecycle,
    cache,
    databaseUrl,
    migrateOnStart: true,
  };
  const stop = async () => {
    await lifecycle.shutdown('test done');
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  };
  const running: RunningService[] = [];
  const order = availableTargets().filter((t) => options.targets.includes(t));
  try {
    for (const t of order) running.push(await serviceEntry(t)!.start(deps));
  } catch (err) {
    await stop();
    throw err;
  }
  const urlOf = (t: Target) => `http://127.0.0.1:${config.ports[t]}`;
  return {
    kind: options.kind,
    config,
    deps,
    url: urlOf(options.targets.includes('gateway') ? 'gateway' : options.targets[0]!),
    urlOf,
    running,
    logs,
    stop,
  };
}

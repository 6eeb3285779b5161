// Builds what every service in this process shares: validated config, logger, lifecycle,
// cache/bus (Redis or in-process) and PostgreSQL (DATABASE_URL or embedded PGlite).
import {
  createCacheBus,
  createLogger,
  installTracePropagation,
  Lifecycle,
  type Logger,
  loadConfigOrExit,
  openEmbeddedPostgres,
  type PlatformConfig,
  type PlatformDeps,
  platformEnvSchema,
  type Target,
  toPlatformConfig,
} from '@elwosa/runtime';

export interface Platform {
  deps: PlatformDeps;
  logger: Logger;
}

export function loadPlatformConfig(targets: readonly Target[]): PlatformConfig {
  const raw = loadConfigOrExit(platformEnvSchema);
  return toPlatformConfig(raw, targets.length === 1 ? targets[0] : undefined);
}

/** Resolves DATABASE_URL or starts the embedded server (released last on shutdown). */
export async function resolveDatabase(
  config: PlatformConfig,
  logger: Logger,
  lifecycle: Lifecycle,
): Promise<string> {
  if (config.databaseUrl) return config.databaseUrl;
  const embedded = await openEmbeddedPostgres({
    dataDir: config.dataDir,
    logger: logger.child({ component: 'pglite' }),
  });
  lifecycle.on('release', () => embedded.close());
  logger.info({ dataDir: config.dataDir }, 'using embedded PostgreSQL (PGlite)');
  return embedded.connectionString;
}

export async function createPlatform(config: PlatformConfig, needsDatabase: boolean): Promise<Platform> {
  installTracePropagation();
  const logger = createLogger({ level: config.logLevel });
  const lifecycle = new Lifecycle(logger, config.shutdownGraceMs);
  const cache = await createCacheBus({ ...(config.redisUrl ? { redisUrl: config.redisUrl } : {}), logger });
  lifecycle.on('release', () => cache.close());
  if (!config.redisUrl) logger.info('using the in-process cache/bus');
  const databaseUrl = needsDatabase ? await resolveDatabase(config, logger, lifecycle) : '';
  const migrateOnStart = process.env.ELWOSA_MIGRATE_ON_START !== 'false';
  return {
    deps: { config, env: process.env, logger, lifecycle, cache, databaseUrl, migrateOnStart },
    logger,
  };
}

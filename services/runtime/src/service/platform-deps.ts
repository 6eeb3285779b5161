// What the process gives every service it runs: config, logger, lifecycle, cache/bus.
import type { Logger } from 'pino';
import type { CacheBus } from '../cache/cache-bus.js';
import type { PlatformConfig } from '../config/platform-config.js';
import type { Target } from '../config/targets.js';
import type { Lifecycle } from '../lifecycle/lifecycle.js';
import type { Readiness } from '../lifecycle/readiness.js';

export interface PlatformDeps {
  config: PlatformConfig;
  /** The raw environment, for settings a single service reads (validated by that service). */
  env: Readonly<Record<string, string | undefined>>;
  /** Root logger; services derive `{service}` children. */
  logger: Logger;
  lifecycle: Lifecycle;
  cache: CacheBus;
  /** PostgreSQL for services that own tables: DATABASE_URL, or the embedded server's URL. */
  databaseUrl: string;
  /** Apply a service's migrations when it starts (all-in-one); the operator runs a Job instead. */
  migrateOnStart: boolean;
}

export interface RunningService {
  target: Target;
  port: number;
  readiness: Readiness;
}

export type ServiceStarter = (deps: PlatformDeps) => Promise<RunningService>;

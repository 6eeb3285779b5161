// Starts the analytics service (target `analytics`).
import { fileURLToPath } from 'node:url';
import {
  createDatabaseService,
  type PlatformDeps,
  parseConfig,
  type RunningService,
  type ServiceSchema,
  workerInstanceId,
} from '@elwosa/runtime';
import { startBackgroundWork } from './background.js';
import { analyticsEnvSchema, analyticsSettings } from './config.js';
import type { AnalyticsContext } from './domain/context.js';
import { PrismaClient } from './generated/prisma/client.js';
import { bindAnalyticsRoutes } from './http/routes.js';
import { createAnalyticsMetrics } from './metrics.js';

export const ANALYTICS_SCHEMA = 'analytics';
export const analyticsMigrationsDir = fileURLToPath(new URL('../prisma/migrations', import.meta.url));
/** The service's schema, migrations and Prisma client: what the host and the tests migrate and open. */
export const analyticsDatabase: ServiceSchema<PrismaClient> = {
  schema: ANALYTICS_SCHEMA,
  migrationsDir: analyticsMigrationsDir,
  Client: PrismaClient,
};

export async function startAnalytics(deps: PlatformDeps): Promise<RunningService> {
  const settings = analyticsSettings(parseConfig(analyticsEnvSchema, deps.env));
  const { host, db } = await createDatabaseService({
    target: 'analytics',
    deps,
    database: analyticsDatabase,
  });
  const ctx: AnalyticsContext = {
    db: db.client,
    cache: deps.cache,
    logger: host.logger,
    settings,
    metrics: createAnalyticsMetrics(host.metrics.registry),
    now: () => new Date(),
  };
  bindAnalyticsRoutes(host.router, host.binder, ctx);
  const background = await startBackgroundWork(ctx, workerInstanceId());
  deps.lifecycle.on('close', () => background.stop());
  return host.start();
}

// Starts the notifications service (target `notifications`).
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
import { notificationSettings, notificationsEnvSchema } from './config.js';
import type { NotificationsContext } from './domain/context.js';
import { createUserDirectory } from './email/user-directory.js';
import { PrismaClient } from './generated/prisma/client.js';
import { bindNotificationRoutes } from './http/routes.js';
import { createNotificationMetrics } from './metrics.js';

export const NOTIFICATIONS_SCHEMA = 'notifications';
export const notificationsMigrationsDir = fileURLToPath(new URL('../prisma/migrations', import.meta.url));
/** The service's schema, migrations and Prisma client: what the host and the tests migrate and open. */
export const notificationsDatabase: ServiceSchema<PrismaClient> = {
  schema: NOTIFICATIONS_SCHEMA,
  migrationsDir: notificationsMigrationsDir,
  Client: PrismaClient,
};

export async function startNotifications(deps: PlatformDeps): Promise<RunningService> {
  const settings = notificationSettings(parseConfig(notificationsEnvSchema, deps.env));
  const { host, db } = await createDatabaseService({
    target: 'notifications',
    deps,
    database: notificationsDatabase,
  });
  let emailQueued = () => {};
  const ctx: NotificationsContext = {
    db: db.client,
    cache: deps.cache,
    logger: host.logger,
    settings,
    metrics: createNotificationMetrics(host.metrics.registry),
    emailQueued: () => emailQueued(),
    now: () => new Date(),
  };
  bindNotificationRoutes(host.router, host.binder, ctx);
  const background = await startBackgroundWork(ctx, {
    instanceId: workerInstanceId(),
    directory: createUserDirectory(deps.config.serviceUrls.auth),
  });
  emailQueued = background.emailQueued;
  deps.lifecycle.on('close', () => background.stop());
  return host.start();
}

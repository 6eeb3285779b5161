// Starts the tasks service (target `tasks`) and its retention schedule.
import { fileURLToPath } from 'node:url';
import {
  createDatabaseService,
  type ErrorMapper,
  type PlatformDeps,
  parseConfig,
  problems,
  type RunningService,
  workerInstanceId,
} from '@elwosa/runtime';
import { retentionSettings, tasksEnvSchema } from './config.js';
import type { TasksContext } from './domain/context.js';
import { StepNotFoundError, TaskRuleError } from './domain/model.js';
import { PrismaClient } from './generated/prisma/client.js';
import { bindTaskRoutes } from './http/routes.js';
import { createTasksMetrics } from './metrics.js';
import { startRetentionSchedule } from './retention-schedule.js';

export const TASKS_SCHEMA = 'tasks';
export const tasksMigrationsDir = fileURLToPath(new URL('../prisma/migrations', import.meta.url));

const mapDomainErrors: ErrorMapper = (err) => {
  if (err instanceof TaskRuleError) return problems.badRequest(err.message);
  if (err instanceof StepNotFoundError) return problems.notFound(err.message);
  return undefined;
};

export async function startTasks(deps: PlatformDeps): Promise<RunningService> {
  const retention = retentionSettings(parseConfig(tasksEnvSchema, deps.env));
  const { host, db } = await createDatabaseService({
    target: 'tasks',
    deps,
    errorMappers: [mapDomainErrors],
    database: { schema: TASKS_SCHEMA, migrationsDir: tasksMigrationsDir, Client: PrismaClient },
  });
  const ctx: TasksContext = {
    db: db.client,
    cache: deps.cache,
    logger: host.logger,
    now: () => new Date(),
    retention,
  };
  bindTaskRoutes(host.router, host.binder, ctx);
  const schedule = startRetentionSchedule(ctx, createTasksMetrics(host.metrics.registry), workerInstanceId());
  // Stopped before the pool closes: a running purge finishes its batch first.
  deps.lifecycle.on('stop', () => schedule.stop());
  return host.start();
}

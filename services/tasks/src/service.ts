// Starts the tasks service (target `tasks`).
import { fileURLToPath } from 'node:url';
import {
  createDatabaseService,
  type ErrorMapper,
  type PlatformDeps,
  problems,
  type RunningService,
} from '@elwosa/runtime';
import type { TasksContext } from './domain/context.js';
import { StepNotFoundError, TaskRuleError } from './domain/model.js';
import { PrismaClient } from './generated/prisma/client.js';
import { bindTaskRoutes } from './http/routes.js';

export const TASKS_SCHEMA = 'tasks';
export const tasksMigrationsDir = fileURLToPath(new URL('../prisma/migrations', import.meta.url));

const mapDomainErrors: ErrorMapper = (err) => {
  if (err instanceof TaskRuleError) return problems.badRequest(err.message);
  if (err instanceof StepNotFoundError) return problems.notFound(err.message);
  return undefined;
};

export async function startTasks(deps: PlatformDeps): Promise<RunningService> {
  const { host, db } = await createDatabaseService({
    target: 'tasks',
    deps,
    errorMappers: [mapDomainErrors],
    database: { schema: TASKS_SCHEMA, migrationsDir: tasksMigrationsDir, Client: PrismaClient },
  });
  const ctx: TasksContext = { db: db.client, cache: deps.cache, logger: host.logger, now: () => new Date() };
  bindTaskRoutes(host.router, host.binder, ctx);
  return host.start();
}

// Starts the tasks service (target `tasks`) and its background jobs (schedules.ts).
import { fileURLToPath } from 'node:url';
import {
  createDatabaseService,
  type ErrorMapper,
  type PlatformDeps,
  parseConfig,
  problems,
  type RunningService,
  type ServiceSchema,
  workerInstanceId,
} from '@elwosa/runtime';
import { retentionSettings, tasksEnvSchema } from './config.js';
import type { TasksContext } from './domain/context.js';
import { StepNotFoundError, TaskRuleError } from './domain/model.js';
import { startOutboxAcks } from './domain/outbox-acks.js';
import { PrismaClient } from './generated/prisma/client.js';
import { bindTaskRoutes } from './http/routes.js';
import { createTasksMetrics } from './metrics.js';
import { startTasksSchedules } from './schedules.js';
import { poolClient } from './store/sql-client.js';

export const TASKS_SCHEMA = 'tasks';
export const tasksMigrationsDir = fileURLToPath(new URL('../prisma/migrations', import.meta.url));
/** The service's schema, migrations and Prisma client: what the host and the tests migrate and open. */
export const tasksDatabase: ServiceSchema<PrismaClient> = {
  schema: TASKS_SCHEMA,
  migrationsDir: tasksMigrationsDir,
  Client: PrismaClient,
};

const mapDomainErrors: ErrorMapper = (err) => {
  if (err instanceof TaskRuleError) return problems.badRequest(err.message);
  if (err instanceof StepNotFoundError) return problems.notFound(err.message);
  return undefined;
};

export async function startTasks(deps: PlatformDeps): Promise<RunningService> {
  const env = parseConfig(tasksEnvSchema, deps.env);
  const retention = retentionSettings(env);
  const { host, db } = await createDatabaseService({
    target: 'tasks',
    deps,
    errorMappers: [mapDomainErrors],
    database: tasksDatabase,
  });
  const metrics = createTasksMetrics(host.metrics.registry);
  const outbox = startOutboxAcks({ db: db.client, logger: host.logger });
  const ctx: TasksContext = {
    db: db.client,
    sql: poolClient(db.pool),
    cache: deps.cache,
    logger: host.logger,
    now: () => new Date(),
    retention,
    outbox,
    onEventsDeferred: (tasks) => metrics.eventsDeferred.inc(tasks),
  };
  bindTaskRoutes(host.router, host.binder, ctx);
  const schedules = startTasksSchedules(
    ctx,
    metrics,
    workerInstanceId(),
    env.ELWOSA_TASKS_EVENT_REPAIR_INTERVAL_MS,
  );
  // Stopped before the pool closes: a running job finishes its batch first, and the records of
  // changes published by then are removed.
  deps.lifecycle.on('stop', async () => {
    await Promise.all(schedules.map((s) => s.stop()));
    await outbox.stop();
  });
  return host.start();
}

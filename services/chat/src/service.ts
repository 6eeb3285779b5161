// Starts the chat service (target `chat`).
import { fileURLToPath } from 'node:url';
import {
  createDatabaseService,
  createServiceClient,
  type ErrorMapper,
  HttpProblem,
  type PlatformDeps,
  parseConfig,
  problems,
  type RunningService,
  type ServiceSchema,
} from '@elwosa/runtime';
import { agentLimits, chatEnvSchema } from './config.js';
import type { ChatContext } from './domain/context.js';
import { Generations } from './domain/generations.js';
import { PrismaClient } from './generated/prisma/client.js';
import { bindChatRoutes } from './http/routes.js';
import { createChatMetrics } from './metrics.js';
import { createModelClient } from './model/model-client.js';
import { ModelError } from './model/model-errors.js';

export const CHAT_SCHEMA = 'chat';
export const chatMigrationsDir = fileURLToPath(new URL('../prisma/migrations', import.meta.url));
/** The service's schema, migrations and Prisma client: what the host and the tests migrate and open. */
export const chatDatabase: ServiceSchema<PrismaClient> = {
  schema: CHAT_SCHEMA,
  migrationsDir: chatMigrationsDir,
  Client: PrismaClient,
};

/** Model failures on the request path (task assistance): a status the client can act on. */
export const mapModelErrors: ErrorMapper = (err) => {
  if (!(err instanceof ModelError)) return undefined;
  switch (err.code) {
    case 'no_model_configured':
      return new HttpProblem(503, err.message, { extensions: { code: err.code } });
    case 'rate_limited':
      return problems.tooManyRequests(err.retryAfterSeconds ?? 1, err.message);
    case 'model_unavailable':
    case 'timeout':
      return problems.unavailable(err.message);
    default:
      return new HttpProblem(502, err.message, { extensions: { code: err.code } });
  }
};

export async function startChat(deps: PlatformDeps): Promise<RunningService> {
  const env = parseConfig(chatEnvSchema, deps.env);
  const limits = agentLimits(env);
  const { host, db } = await createDatabaseService({
    target: 'chat',
    deps,
    errorMappers: [mapModelErrors],
    database: chatDatabase,
  });
  // The lock outlives the longest turn a little, so a crashed replica's lock frees itself.
  const generations = new Generations(deps.cache, host.logger, limits.turnTimeoutMs + 30_000);
  await generations.listen();
  // Shutdown: running turns stop and store their partial answers before the pool closes.
  deps.lifecycle.on('drain', () => generations.abortAll());
  deps.lifecycle.on('stop', () => generations.settled());
  deps.lifecycle.on('close', () => generations.close());
  const aiBridge = deps.config.serviceUrls['ai-bridge'];
  const ctx: ChatContext = {
    db: db.client,
    cache: deps.cache,
    logger: host.logger,
    generations,
    metrics: createChatMetrics(host.metrics.registry),
    limits,
    defaultModel: env.ELWOSA_DEFAULT_MODEL,
    modelFor: (authorization) => createModelClient({ baseUrl: aiBridge, authorization }),
    services: {
      tasks: createServiceClient(deps.config.serviceUrls.tasks),
      memory: createServiceClient(deps.config.serviceUrls.memory),
    },
    now: () => new Date(),
  };
  bindChatRoutes(host.router, host.binder, ctx);
  return host.start();
}

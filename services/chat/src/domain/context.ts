// What the chat use cases need, built once at start.
import type { CacheBus, ServiceClient } from '@elwosa/runtime';
import type { Logger } from 'pino';
import type { AgentLimits } from '../config.js';
import type { ChatMetrics } from '../metrics.js';
import type { ModelClient } from '../model/model-client.js';
import type { ChatDb } from '../store/db.js';
import type { Generations } from './generations.js';

export interface ChatContext {
  db: ChatDb;
  cache: CacheBus;
  logger: Logger;
  generations: Generations;
  metrics: ChatMetrics;
  limits: AgentLimits;
  defaultModel: string | undefined;
  /** A model client acting as the caller (their `Authorization` header). */
  modelFor(authorization: string): ModelClient;
  services: { tasks: ServiceClient; memory: ServiceClient };
  now: () => Date;
}

/** Who asks: the identity's user and permissions, and their bearer for calls made on their behalf. */
export interface Caller {
  userId: string;
  permissions: ReadonlySet<string>;
  authorization: string;
  requestId: string;
}

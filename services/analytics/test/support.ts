// Shared helpers of the analytics integration tests: events as the producers emit them, and a
// Prisma client on the platform's analytics schema (for the roll-up job and direct checks).
import { randomUUID } from 'node:crypto';
import { type CacheBus, createPrismaClient, emitDomainEvent } from '@elwosa/runtime';
import { PrismaClient } from '../src/generated/prisma/client.js';
import { ANALYTICS_SCHEMA } from '../src/service.js';

export { waitFor } from '../../../test-support/wait.ts';
export { Api, registerAndLogin, type Tokens } from '../../auth/test/client.js';

export interface UsageData {
  requestId: string;
  provider: string;
  model: string;
  operation: 'chat' | 'embedding';
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  estimated: boolean;
  costMicroUsd: number;
  costKnown: boolean;
  priceVersion: string;
  latencyMs: number;
  ttftMs: number | null;
  replica: string | null;
  status: 'ok' | 'error' | 'aborted';
  cacheHit: boolean;
  conversationId: string | null;
  createdAt: string;
}

/** An `ai.usage` event's data as ai-bridge emits it. */
export function usage(createdAt: Date, over: Partial<UsageData> = {}): UsageData {
  return {
    requestId: randomUUID(),
    provider: 'openai',
    model: 'gpt-4o',
    operation: 'chat',
    inputTokens: 100,
    outputTokens: 50,
    cachedTokens: 0,
    estimated: false,
    costMicroUsd: 1000,
    costKnown: true,
    priceVersion: '2026-11-01',
    latencyMs: 200,
    ttftMs: 80,
    replica: null,
    status: 'ok',
    cacheHit: false,
    conversationId: null,
    createdAt: createdAt.toISOString(),
    ...over,
  };
}

export const emitUsage = (cache: CacheBus, userId: string, data: unknown) =>
  emitDomainEvent(cache, 'ai.usage', { type: 'ai.usage', userId, data });

export interface TaskState {
  id: string;
  status: string;
  createdAt: Date;
  completedAt: Date | null;
}

/** A `tasks` event as the tasks service emits it (the task DTO as data). */
export function emitTask(
  cache: CacheBus,
  ownerId: string,
  type: 'task.created' | 'task.updated',
  task: TaskState,
): Promise<string> {
  return emitDomainEvent(cache, 'tasks', {
    type,
    userId: ownerId,
    data: {
      id: task.id,
      ownerId,
      title: 'A task',
      description: '',
      status: task.status,
      priority: 'none',
      dueAt: null,
      startAt: null,
      tags: [],
      steps: [],
      progress: { done: 0, total: 0, percent: 0 },
      version: 1,
      createdAt: task.createdAt.toISOString(),
      updatedAt: (task.completedAt ?? task.createdAt).toISOString(),
      completedAt: task.completedAt?.toISOString() ?? null,
    },
  });
}

export const openAnalyticsDb = (databaseUrl: string) =>
  createPrismaClient(PrismaClient, { databaseUrl, schema: ANALYTICS_SCHEMA, poolSize: 2 });

// Shared helpers of the notifications integration tests.
import { randomUUID } from 'node:crypto';
import { type CacheBus, createPrismaClient, emitDomainEvent, type PrismaHandle } from '@elwosa/runtime';
import { PrismaClient } from '../src/generated/prisma/client.js';
import { NOTIFICATIONS_SCHEMA } from '../src/service.js';

export { sleep, waitFor } from '../../../test-support/wait.ts';
export { Api, PASSWORD, registerAndLogin, type Tokens, uniqueEmail } from '../../auth/test/client.js';

/** Emits a task event as the tasks service does (the task DTO as data). */
export async function emitTask(
  cache: CacheBus,
  ownerId: string,
  task: { title: string; dueAt: Date | null; status?: string; id?: string; version?: number },
  type: 'task.created' | 'task.updated' = 'task.created',
): Promise<string> {
  const id = task.id ?? randomUUID();
  await emitDomainEvent(cache, 'tasks', {
    type,
    userId: ownerId,
    data: {
      id,
      title: task.title,
      status: task.status ?? 'todo',
      priority: 'none',
      dueAt: task.dueAt?.toISOString() ?? null,
      ownerId,
      version: task.version ?? 1,
      steps: [],
    },
  });
  return id;
}

/** A Prisma client on the platform's notifications schema (embedded: the shared connection). */
export function openNotificationsDb(databaseUrl: string): PrismaHandle<PrismaClient> {
  return createPrismaClient(PrismaClient, { databaseUrl, schema: NOTIFICATIONS_SCHEMA, poolSize: 3 });
}

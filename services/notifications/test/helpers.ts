// Shared helpers of the notifications integration tests.
import { randomUUID } from 'node:crypto';
import { type CacheBus, emitDomainEvent } from '@elwosa/runtime';
import pg from 'pg';

export { Api, registerAndLogin, type Tokens, uniqueEmail } from '../../auth/test/client.js';

/** Polls `probe` until it returns something other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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

/** One query on the platform's database (a short-lived connection, as the auth tests do). */
export async function sql<T extends pg.QueryResultRow>(
  databaseUrl: string,
  text: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

export interface OutboxRow {
  id: string;
  status: string;
  attempts: number;
  last_error: string | null;
}

export const outboxOf = (databaseUrl: string, notificationId: string) =>
  sql<OutboxRow>(
    databaseUrl,
    'SELECT id, status, attempts, last_error FROM notifications.email_outbox WHERE notification_id = $1',
    [notificationId],
  );

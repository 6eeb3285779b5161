// Helpers for the tasks integration tests: a user with a token and a small task API client.
import pg from 'pg';
import { type Api, registerAndLogin, uniqueEmail } from '../../auth/test/client.js';

export interface User {
  id: string;
  token: string;
}

export async function newUser(api: Api, prefix = 'tasks'): Promise<User> {
  const tokens = await registerAndLogin(api, uniqueEmail(prefix));
  return { id: tokens.user.id, token: tokens.accessToken };
}

export interface Task {
  id: string;
  ownerId: string;
  title: string;
  status: string;
  version: number;
  completedAt: string | null;
  steps: Array<{ id: string; title: string; done: boolean }>;
  progress: { done: number; total: number; percent: number };
  [key: string]: unknown;
}

export class TaskClient {
  constructor(
    readonly api: Api,
    readonly user: User,
  ) {}

  call<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    return this.api.call<T>(method, `/api/tasks${path}`, {
      token: this.user.token,
      headers,
      ...(body !== undefined ? { body } : {}),
    });
  }

  async create(body: Record<string, unknown>): Promise<Task> {
    const res = await this.call<Task>('POST', '', body);
    if (res.status !== 201) throw new Error(`create: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  list(query = '') {
    return this.call<{ items: Task[]; nextCursor: string | null }>('GET', query ? `?${query}` : '');
  }
}

/** Runs one query on the platform's database (a short-lived connection). */
export async function sql<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

export const PLATFORM_ENV = { ELWOSA_RATE_LIMIT_PER_MINUTE: '100000' };

/** The events of one stream whose `data.id` is `taskId`. */
export async function eventsFor(
  cache: {
    readRange(
      stream: string,
      after: string,
      count: number,
    ): Promise<Array<{ fields: Record<string, string> }>>;
  },
  stream: string,
  taskId: string,
): Promise<Array<{ type: string; userId?: string; data: Record<string, unknown> }>> {
  const entries = await cache.readRange(stream, '0', 10_000);
  return entries
    .map((e) => ({
      type: e.fields.type ?? '',
      ...(e.fields.userId ? { userId: e.fields.userId } : {}),
      data: JSON.parse(e.fields.data ?? 'null') as Record<string, unknown>,
    }))
    .filter((e) => e.data?.id === taskId);
}

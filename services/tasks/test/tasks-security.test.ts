// The SERVICES-NOTES (c) checklist items for tasks, through the gateway on real and embedded
// backends: object-level authorization (another user's task is 404 everywhere), property-level
// authorization (server-owned fields refused, verified in the database), injection through
// search, sort and filters, resource limits, malformed input.
import { randomUUID } from 'node:crypto';
import { userEventLog } from '@elwosa/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendKinds, startTestPlatform, type TestPlatform } from '../../../test-support/platform.ts';
import { Api } from '../../auth/test/client.js';
import { newUser, PLATFORM_ENV, sql, type Task, TaskClient } from './support.js';

describe.each(backendKinds())('tasks security (%s backends)', (kind) => {
  let platform: TestPlatform;
  let api: Api;
  let alice: TaskClient;
  let bob: TaskClient;
  let secret: Task;

  beforeAll(async () => {
    platform = await startTestPlatform({ kind, targets: ['auth', 'tasks', 'gateway'], env: PLATFORM_ENV });
    api = new Api(platform.url);
    alice = new TaskClient(api, await newUser(api, 'alice'));
    bob = new TaskClient(api, await newUser(api, 'bob'));
    secret = await alice.create({
      title: 'Alice zanzibar plan',
      description: 'zanzibar details',
      tags: ['alicetag'],
      steps: [{ title: 'zanzibar step' }],
    });
  });
  afterAll(async () => {
    await platform?.stop();
  });

  const row = async (id: string) =>
    (
      await sql<{
        owner_id: string;
        version: number;
        title: string;
        status: string;
        deleted_at: Date | null;
        steps: unknown;
      }>(
        platform.deps.databaseUrl,
        'SELECT owner_id, version, title, status, deleted_at, steps FROM tasks.tasks WHERE id = $1',
        [id],
      )
    )[0];

  describe('object level (BOLA): another user’s task is 404 everywhere', () => {
    it('refuses reads and writes of the task and its steps with 404, and changes nothing', async () => {
      const step = secret.steps[0]!.id;
      const attempts: Array<[string, string, unknown?]> = [
        ['GET', `/${secret.id}`],
        ['PATCH', `/${secret.id}`, { title: 'pwned' }],
        ['DELETE', `/${secret.id}`],
        ['POST', `/${secret.id}/steps`, { title: 'pwned' }],
        ['PATCH', `/${secret.id}/steps/${step}`, { done: true }],
        ['POST', `/${secret.id}/steps/${step}/toggle`],
        ['PUT', `/${secret.id}/steps/order`, { stepIds: [step] }],
        ['DELETE', `/${secret.id}/steps/${step}`],
      ];
      for (const [method, path, body] of attempts) {
        const res = await bob.call(method, path, body);
        expect(res.status, `${method} ${path}`).toBe(404);
        // Same answer as for an id that does not exist at all.
        const missing = await bob.call(method, path.replace(secret.id, randomUUID()), body);
        expect(missing.status).toBe(404);
        expect(Object.keys(res.body).sort()).toEqual(Object.keys(missing.body).sort());
      }
      expect(await row(secret.id)).toMatchObject({
        owner_id: alice.user.id,
        version: 1,
        title: 'Alice zanzibar plan',
        deleted_at: null,
      });
    });

    it('never shows the task in the other user’s list, search, tags or changes', async () => {
      await bob.create({ title: 'Bob zanzibar too', tags: ['bobtag'] });
      const list = await bob.list();
      expect(list.body.items.map((t) => t.ownerId)).toEqual([bob.user.id]);
      const search = await bob.list('q=zanzibar');
      expect(search.body.items.map((t) => t.title)).toEqual(['Bob zanzibar too']);
      expect((await bob.list('tag=alicetag')).body.items).toEqual([]);
      expect((await bob.call('GET', '/tags')).body).toEqual({ items: [{ tag: 'bobtag', count: 1 }] });
      const changes = await bob.call<{ upserts: Task[]; deletions: unknown[] }>('GET', '/changes');
      expect(changes.body.upserts.every((t) => t.ownerId === bob.user.id)).toBe(true);
      expect(JSON.stringify(changes.body)).not.toContain(secret.id);
    });

    it('refuses a bulk operation that names another user’s task, all or nothing', async () => {
      const own = await bob.create({ title: 'Bob bulk' });
      for (const op of ['complete', 'delete']) {
        const res = await bob.call('POST', `/bulk/${op}`, { ids: [own.id, secret.id] });
        expect(res.status).toBe(404);
      }
      expect(await row(own.id)).toMatchObject({ status: 'todo', version: 1, deleted_at: null });
      expect(await row(secret.id)).toMatchObject({ status: 'todo', version: 1, deleted_at: null });
    });

    it('sends task events only to the owner', async () => {
      const res = await alice.call('PATCH', `/${secret.id}`, { priority: 'low' });
      expect(res.status).toBe(200);
      const bobsLog = await platform.deps.cache.readRange(userEventLog(bob.user.id), '0', 10_000);
      expect(JSON.stringify(bobsLog)).not.toContain(secret.id);
      const alicesLog = await platform.deps.cache.readRange(userEventLog(alice.user.id), '0', 10_000);
      expect(JSON.stringify(alicesLog)).toContain(secret.id);
      const reset = await alice.call('PATCH', `/${secret.id}`, { priority: 'none' });
      expect(reset.status).toBe(200);
      secret = reset.body as Task;
    });
  });

  describe('property level (BOPLA): server-owned and unknown fields are refused', () => {
    const forged = {
      ownerId: randomUUID(),
      id: randomUUID(),
      version: 99,
      createdAt: '2000-01-01T00:00:00Z',
      updatedAt: '2000-01-01T00:00:00Z',
      completedAt: '2000-01-01T00:00:00Z',
      deletedAt: '2000-01-01T00:00:00Z',
      progress: { done: 9, total: 9, percent: 100 },
      changeSeq: 1,
      isAdmin: true,
    };

    it.each(Object.entries(forged))('POST with %s → 400 and no row', async (field, value) => {
      const title = `forged ${field} ${randomUUID()}`;
      const res = await alice.call('POST', '', { title, [field]: value });
      expect(res.status).toBe(400);
      const rows = await sql(platform.deps.databaseUrl, 'SELECT id FROM tasks.tasks WHERE title = $1', [
        title,
      ]);
      expect(rows).toEqual([]);
    });

    it.each(Object.entries(forged))('PATCH with %s → 400 and the row unchanged', async (field, value) => {
      const res = await alice.call('PATCH', `/${secret.id}`, { title: 'changed', [field]: value });
      expect(res.status).toBe(400);
      expect(await row(secret.id)).toMatchObject({
        owner_id: alice.user.id,
        version: secret.version,
        title: secret.title,
        deleted_at: null,
      });
    });

    it('refuses unknown fields in steps and step bodies', async () => {
      expect(
        (await alice.call('POST', '', { title: 'x', steps: [{ title: 's', id: randomUUID() }] })).status,
      ).toBe(400);
      expect((await alice.call('POST', `/${secret.id}/steps`, { title: 's', id: randomUUID() })).status).toBe(
        400,
      );
      expect((await row(secret.id))?.steps).toEqual(secret.steps);
    });
  });

  describe('injection and allow-lists', () => {
    it.each([
      "' OR 1=1 --",
      '%',
      '\\',
      ':*',
      '&|!',
      "zanzibar') OR ('1'='1",
      '(((',
      '"unterminated',
      '!!!',
      '<->',
    ])('search q=%j → 200 with only the caller’s rows', async (q) => {
      const res = await bob.list(`q=${encodeURIComponent(q)}`);
      expect(res.status).toBe(200);
      expect(res.body.items.every((t) => t.ownerId === bob.user.id)).toBe(true);
    });

    it('refuses NUL characters with 400, not a database error', async () => {
      expect((await bob.list(`q=${encodeURIComponent('a\u0000b')}`)).status).toBe(400);
      expect((await bob.call('POST', '', { title: 'a\u0000b' })).status).toBe(400);
    });

    it.each(['title', 'owner_id', '-createdAt;DROP TABLE tasks.tasks', 'createdAt,id', 'random()'])(
      'sort=%j → 400',
      async (sort) => {
        expect((await bob.list(`sort=${encodeURIComponent(sort)}`)).status).toBe(400);
      },
    );

    it.each([
      "status=todo' OR '1'='1",
      'status=todo,archived',
      'priority=9',
      'overdue=yes',
      'dueBefore=yesterday',
      'owner=me',
      'status=todo&status=done',
      'cursor=garbage',
      `cursor=${Buffer.from('{"s":"-createdAt","v":"1 OR 1=1","i":"x"}').toString('base64url')}`,
    ])('filter %s → 400', async (query) => {
      expect((await bob.list(query)).status).toBe(400);
    });

    it('treats a hostile tag as a value', async () => {
      const res = await bob.list(`tag=${encodeURIComponent("x' OR '1'='1")}`);
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual([]);
    });
  });

  describe('resource limits and malformed input', () => {
    it.each(['100000', '101', '0', '-1', 'abc'])('limit=%s → 400', async (limit) => {
      expect((await bob.list(`limit=${limit}`)).status).toBe(400);
    });

    it('accepts limit=100', async () => {
      expect((await bob.list('limit=100')).status).toBe(200);
    });

    it('answers malformed JSON with 400 problem+json without a stack trace', async () => {
      const res = await api.call('POST', '/api/tasks', { token: bob.user.token, body: '{"title":' });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body).toMatchObject({ status: 400 });
      expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(js|ts):\d+/);
    });

    it('refuses a wrong content type, a missing token and an oversized title', async () => {
      const wrongType = await api.call('POST', '/api/tasks', {
        token: bob.user.token,
        body: 'title=x',
        headers: { 'content-type': 'text/plain' },
      });
      expect(wrongType.status).toBe(415);
      expect((await api.get('/api/tasks')).status).toBe(401);
      expect((await bob.call('POST', '', { title: 'x'.repeat(201) })).status).toBe(400);
      expect(
        (await bob.call('POST', '', { title: 'x', tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }))
          .status,
      ).toBe(400);
    });
  });
});

// The tasks API end to end through the gateway, against real PostgreSQL + Redis and against
// the embedded backends: CRUD, status transitions, steps, lists (keyset pages, filters, sort,
// full-text search), If-Match, Idempotency-Key, bulk operations, the changes feed and events.
import { domainStream, userEventLog } from '@elwosa/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendKinds, startTestPlatform, type TestPlatform } from '../../../test-support/platform.ts';
import { Api } from '../../auth/test/client.js';
import { eventsFor, newUser, PLATFORM_ENV, sql, type Task, TaskClient } from './support.js';

const DTO_KEYS = [
  'completedAt',
  'createdAt',
  'description',
  'dueAt',
  'id',
  'ownerId',
  'priority',
  'progress',
  'startAt',
  'status',
  'steps',
  'tags',
  'title',
  'updatedAt',
  'version',
];

describe.each(backendKinds())('tasks API (%s backends)', (kind) => {
  let platform: TestPlatform;
  let api: Api;

  beforeAll(async () => {
    platform = await startTestPlatform({ kind, targets: ['auth', 'tasks', 'gateway'], env: PLATFORM_ENV });
    api = new Api(platform.url);
  });
  afterAll(async () => {
    await platform?.stop();
  });

  const client = async () => new TaskClient(api, await newUser(api));

  it('creates and reads a task with an explicit shape and an ETag', async () => {
    const a = await client();
    const res = await a.call<Task>('POST', '', {
      title: '  Write report ',
      description: 'quarterly',
      priority: 'high',
      dueAt: '2030-01-01T10:00:00+02:00',
      tags: ['Work', 'work', 'q1'],
      steps: [{ title: 'outline' }, { title: 'draft', done: true }],
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('etag')).toBe('"1"');
    expect(res.headers.get('location')).toBe(`/api/tasks/${res.body.id}`);
    expect(Object.keys(res.body).sort()).toEqual(DTO_KEYS);
    expect(res.body).toMatchObject({
      ownerId: a.user.id,
      title: 'Write report',
      status: 'todo',
      priority: 'high',
      dueAt: '2030-01-01T08:00:00.000Z',
      startAt: null,
      tags: ['work', 'q1'],
      version: 1,
      completedAt: null,
      progress: { done: 1, total: 2, percent: 50 },
    });
    const got = await a.call<Task>('GET', `/${res.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(res.body);
    expect(got.headers.get('etag')).toBe('"1"');
  });

  it('sets completedAt when a task is done and clears it when reopened', async () => {
    const a = await client();
    const task = await a.create({ title: 'Finish' });
    const done = await a.call<Task>('PATCH', `/${task.id}`, { status: 'done' });
    expect(done.body.completedAt).not.toBeNull();
    expect(done.body.version).toBe(2);
    expect(done.headers.get('etag')).toBe('"2"');
    const reopened = await a.call<Task>('PATCH', `/${task.id}`, { status: 'in_progress', dueAt: null });
    expect(reopened.body).toMatchObject({ status: 'in_progress', completedAt: null, version: 3 });
    expect(
      (
        await a.call('PATCH', `/${task.id}`, {
          startAt: '2030-02-01T00:00:00Z',
          dueAt: '2030-01-01T00:00:00Z',
        })
      ).status,
    ).toBe(400);
  });

  it('writes nothing for a change that changes nothing (same version, no event)', async () => {
    const a = await client();
    const task = await a.create({ title: 'Stable', tags: ['x'] });
    const same = await a.call<Task>(
      'PATCH',
      `/${task.id}`,
      { title: 'Stable', tags: ['X'] },
      { 'if-match': '"1"' },
    );
    expect(same.status).toBe(200);
    expect(same.body).toEqual(task);
    expect(same.headers.get('etag')).toBe('"1"');
    const events = await eventsFor(platform.deps.cache, domainStream('tasks'), task.id);
    expect(events.map((e) => e.type)).toEqual(['task.created']);
  });

  it('edits the checklist: add, edit, toggle, reorder, delete', async () => {
    const a = await client();
    const task = await a.create({ title: 'Trip', steps: [{ title: 'book' }] });
    const [book] = task.steps;
    const added = await a.call<Task>('POST', `/${task.id}/steps`, { title: 'pack', position: 0 });
    expect(added.status).toBe(201);
    expect(added.body.steps.map((s) => s.title)).toEqual(['pack', 'book']);
    const pack = added.body.steps[0]!;
    const edited = await a.call<Task>('PATCH', `/${task.id}/steps/${book!.id}`, {
      title: 'book ferry',
      done: true,
    });
    expect(edited.body.steps[1]).toEqual({ id: book!.id, title: 'book ferry', done: true });
    const toggled = await a.call<Task>('POST', `/${task.id}/steps/${pack.id}/toggle`);
    expect(toggled.body.progress).toEqual({ done: 2, total: 2, percent: 100 });
    const reordered = await a.call<Task>('PUT', `/${task.id}/steps/order`, { stepIds: [book!.id, pack.id] });
    expect(reordered.body.steps.map((s) => s.id)).toEqual([book!.id, pack.id]);
    expect((await a.call('PUT', `/${task.id}/steps/order`, { stepIds: [book!.id] })).status).toBe(400);
    const removed = await a.call<Task>('DELETE', `/${task.id}/steps/${pack.id}`);
    expect(removed.body.steps.map((s) => s.id)).toEqual([book!.id]);
    expect(removed.body.version).toBe(6);
    expect((await a.call('DELETE', `/${task.id}/steps/${pack.id}`)).status).toBe(404);
  });

  it('deletes a task: gone from reads and lists', async () => {
    const a = await client();
    const task = await a.create({ title: 'Ephemeral' });
    expect((await a.call('DELETE', `/${task.id}`)).status).toBe(204);
    expect((await a.call('GET', `/${task.id}`)).status).toBe(404);
    expect((await a.call('PATCH', `/${task.id}`, { title: 'x' })).status).toBe(404);
    expect((await a.list()).body.items).toEqual([]);
  });

  it('pages with a keyset cursor in every allowed sort order without gaps or repeats', async () => {
    const a = await client();
    const priorities = ['none', 'low', 'medium', 'high', 'urgent', 'high', 'low'];
    for (const [i, priority] of priorities.entries()) {
      await a.create({
        title: `task ${i}`,
        priority,
        ...(i % 2 === 0 ? { dueAt: `2030-01-0${i + 1}T00:00:00Z` } : {}),
      });
    }
    for (const sort of ['-createdAt', 'createdAt', 'dueAt', '-dueAt', 'priority', '-priority', 'updatedAt']) {
      const seen: Task[] = [];
      let cursor: string | null = null;
      do {
        const page = await a.list(`limit=3&sort=${sort}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.status).toBe(200);
        expect(page.body.items.length).toBeLessThanOrEqual(3);
        seen.push(...page.body.items);
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(new Set(seen.map((t) => t.id)).size).toBe(7);
      if (sort === 'dueAt') expect(seen.slice(-3).every((t) => t.dueAt === null)).toBe(true);
      if (sort === '-priority') expect(seen[0]?.priority).toBe('urgent');
    }
  });

  it('filters by status, priority, tag, overdue and due dates', async () => {
    const a = await client();
    const past = await a.create({
      title: 'late',
      dueAt: '2020-01-01T00:00:00Z',
      tags: ['home'],
      priority: 'urgent',
    });
    await a.create({ title: 'late but done', dueAt: '2020-01-01T00:00:00Z', status: 'done' });
    const future = await a.create({ title: 'later', dueAt: '2040-01-01T00:00:00Z', status: 'blocked' });
    const undated = await a.create({ title: 'whenever', tags: ['Home', 'garden'] });
    const ids = async (query: string) => {
      const res = await a.list(query);
      expect(res.status).toBe(200);
      return res.body.items.map((t) => t.id).sort();
    };
    expect(await ids('overdue=true')).toEqual([past.id]);
    expect(await ids('overdue=false')).not.toContain(past.id);
    expect((await ids('overdue=false')).length).toBe(3);
    expect(await ids('status=blocked,todo')).toEqual([past.id, future.id, undated.id].sort());
    expect(await ids('priority=urgent')).toEqual([past.id]);
    expect(await ids('tag=HOME')).toEqual([past.id, undated.id].sort());
    expect(await ids('dueAfter=2030-01-01T00:00:00Z')).toEqual([future.id]);
    expect((await ids('dueBefore=2030-01-01T00:00:00Z')).length).toBe(2);
  });

  it('searches title, description and step titles with full-text search', async () => {
    const a = await client();
    const byTitle = await a.create({ title: 'Renew passport' });
    const byDescription = await a.create({
      title: 'Errands',
      description: 'passport photos at the pharmacy',
    });
    const byStep = await a.create({ title: 'Holiday', steps: [{ title: 'check passport expiry' }] });
    await a.create({ title: 'Unrelated' });
    const q = async (query: string) =>
      (await a.list(`q=${encodeURIComponent(query)}`)).body.items.map((t) => t.id).sort();
    expect(await q('passport')).toEqual([byTitle.id, byDescription.id, byStep.id].sort());
    expect(await q('passport -photos')).toEqual([byTitle.id, byStep.id].sort());
    expect(await q('"check passport"')).toEqual([byStep.id]);
    // A step added later is searchable as soon as it is saved.
    await a.call('POST', `/${byTitle.id}/steps`, { title: 'fill in the Formular' });
    expect(await q('formular')).toEqual([byTitle.id]);
  });

  it('answers a stale If-Match with 412 and changes nothing', async () => {
    const a = await client();
    const task = await a.create({ title: 'Contended' });
    expect((await a.call('PATCH', `/${task.id}`, { title: 'v2' }, { 'if-match': '"1"' })).status).toBe(200);
    const stale = await a.call('PATCH', `/${task.id}`, { title: 'lost update' }, { 'if-match': '"1"' });
    expect(stale.status).toBe(412);
    expect(stale.headers.get('content-type')).toContain('application/problem+json');
    expect((await a.call('POST', `/${task.id}/steps`, { title: 's' }, { 'if-match': '"1"' })).status).toBe(
      412,
    );
    expect((await a.call('DELETE', `/${task.id}`, undefined, { 'if-match': '"1"' })).status).toBe(412);
    expect((await a.call('PATCH', `/${task.id}`, { title: 'x' }, { 'if-match': 'garbage' })).status).toBe(
      400,
    );
    expect((await a.call('PATCH', `/${task.id}`, { title: 'x' }, { 'if-match': 'W/"2"' })).status).toBe(412);
    const rows = await sql<{ title: string; version: number }>(
      platform.deps.databaseUrl,
      'SELECT title, version FROM tasks.tasks WHERE id = $1',
      [task.id],
    );
    expect(rows).toEqual([{ title: 'v2', version: 2 }]);
    expect((await a.call('PATCH', `/${task.id}`, { title: 'v3' }, { 'if-match': '"2"' })).status).toBe(200);
    expect((await a.call('DELETE', `/${task.id}`, undefined, { 'if-match': '*' })).status).toBe(204);
  });

  it('loses no concurrent step additions without If-Match (version-checked retries)', async () => {
    const a = await client();
    const task = await a.create({ title: 'Busy' });
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => a.call('POST', `/${task.id}/steps`, { title: `step ${i}` })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(5).fill(201));
    const final = await a.call<Task>('GET', `/${task.id}`);
    expect(final.body.steps).toHaveLength(5);
    expect(final.body.version).toBe(6);
  });

  it('returns the first result for a retried create with the same Idempotency-Key (stored durably)', async () => {
    const a = await client();
    const body = { title: 'Offline create', tags: ['sync'] };
    const headers = { 'idempotency-key': 'create-1' };
    const first = await a.call<Task>('POST', '', body, headers);
    const retried = await a.call<Task>('POST', '', { tags: ['sync'], title: 'Offline create' }, headers);
    expect(first.status).toBe(201);
    expect(retried.status).toBe(201);
    expect(retried.body).toEqual(first.body);
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    const other = await a.call('POST', '', { title: 'Something else' }, headers);
    expect(other.status).toBe(422);
    const concurrent = await Promise.all(
      Array.from({ length: 5 }, () =>
        a.call<Task>('POST', '', { title: 'race' }, { 'idempotency-key': 'race-1' }),
      ),
    );
    expect(new Set(concurrent.map((r) => `${r.status} ${r.body.id}`)).size).toBe(1);
    const rows = await sql<{ n: string }>(
      platform.deps.databaseUrl,
      'SELECT count(*) AS n FROM tasks.tasks WHERE owner_id = $1',
      [a.user.id],
    );
    expect(Number(rows[0]!.n)).toBe(2);
    const keys = await sql(
      platform.deps.databaseUrl,
      'SELECT key FROM tasks.idempotency_keys WHERE owner_id = $1 ORDER BY key',
      [a.user.id],
    );
    expect(keys).toEqual([{ key: 'create-1' }, { key: 'race-1' }]);
    // The same key of another user is another request.
    const b = await client();
    const theirs = await b.call<Task>('POST', '', body, headers);
    expect(theirs.status).toBe(201);
    expect(theirs.body.id).not.toBe(first.body.id);
    expect((await a.call('POST', '', body, { 'idempotency-key': 'has space' })).status).toBe(400);
  });

  it('completes and deletes in bulk', async () => {
    const a = await client();
    const t1 = await a.create({ title: 'one' });
    const t2 = await a.create({ title: 'two', status: 'done' });
    const t3 = await a.create({ title: 'three' });
    const completed = await a.call<{ items: Task[] }>('POST', '/bulk/complete', { ids: [t1.id, t2.id] });
    expect(completed.status).toBe(200);
    expect(completed.body.items.map((t) => [t.id, t.status, t.version])).toEqual([
      [t1.id, 'done', 2],
      [t2.id, 'done', 1],
    ]);
    expect(completed.body.items[1]?.completedAt).toBe(t2.completedAt);
    const deleted = await a.call<{ deleted: Array<{ id: string }> }>('POST', '/bulk/delete', {
      ids: [t1.id, t3.id],
    });
    expect(deleted.body.deleted.map((d) => d.id).sort()).toEqual([t1.id, t3.id].sort());
    expect((await a.list()).body.items.map((t) => t.id)).toEqual([t2.id]);
    expect(
      (
        await a.call('POST', '/bulk/complete', {
          ids: Array.from({ length: 101 }, () => crypto.randomUUID()),
        })
      ).status,
    ).toBe(400);
    expect((await a.call('POST', '/bulk/complete', { ids: [t2.id, t2.id] })).status).toBe(400);
  });

  it('feeds changes since a cursor, deletions included, so an offline client can resync', async () => {
    const a = await client();
    const kept = await a.create({ title: 'kept' });
    const gone = await a.create({ title: 'gone' });
    const full = await a.call<{
      upserts: Task[];
      deletions: unknown[];
      nextCursor: string;
      hasMore: boolean;
    }>('GET', '/changes');
    expect(full.body.upserts.map((t) => t.id)).toEqual([kept.id, gone.id]);
    expect(full.body.hasMore).toBe(false);
    const cursor = full.body.nextCursor;
    const quiet = await a.call<{ upserts: Task[]; nextCursor: string }>('GET', `/changes?since=${cursor}`);
    expect(quiet.body.upserts).toEqual([]);
    expect(quiet.body.nextCursor).toBe(cursor);

    await a.call('PATCH', `/${kept.id}`, { title: 'kept and edited' });
    await a.call('DELETE', `/${gone.id}`);
    const added = await a.create({ title: 'new' });
    const delta = await a.call<{
      upserts: Task[];
      deletions: Array<{ id: string; deletedAt: string }>;
      nextCursor: string;
    }>('GET', `/changes?since=${cursor}`);
    expect(delta.body.upserts.map((t) => [t.id, t.title])).toEqual([
      [kept.id, 'kept and edited'],
      [added.id, 'new'],
    ]);
    expect(delta.body.deletions).toEqual([{ id: gone.id, deletedAt: expect.any(String) }]);
    const paged = await a.call<{ upserts: Task[]; hasMore: boolean; nextCursor: string }>(
      'GET',
      `/changes?since=${cursor}&limit=1`,
    );
    expect(paged.body.hasMore).toBe(true);
    expect(paged.body.upserts.map((t) => t.id)).toEqual([kept.id]);
    expect((await a.call('GET', '/changes?since=not-a-cursor')).status).toBe(400);
  });

  it('lists the caller’s tags with counts', async () => {
    const a = await client();
    await a.create({ title: 'x', tags: ['home', 'garden'] });
    await a.create({ title: 'y', tags: ['home'] });
    expect((await a.call('GET', '/tags')).body).toEqual({
      items: [
        { tag: 'garden', count: 1 },
        { tag: 'home', count: 2 },
      ],
    });
  });

  it('emits task.created/updated/deleted with the DTO on the durable stream and to the owner', async () => {
    const a = await client();
    const task = await a.create({ title: 'Evented' });
    const updated = (await a.call<Task>('PATCH', `/${task.id}`, { status: 'done' })).body;
    await a.call('DELETE', `/${task.id}`);
    const domain = await eventsFor(platform.deps.cache, domainStream('tasks'), task.id);
    expect(domain.map((e) => e.type)).toEqual(['task.created', 'task.updated', 'task.deleted']);
    expect(domain.every((e) => e.userId === a.user.id)).toBe(true);
    expect(domain[0]?.data).toEqual(task);
    expect(domain[1]?.data).toEqual(updated);
    expect(domain[2]?.data).toEqual({ id: task.id, deletedAt: expect.any(String) });
    const live = await eventsFor(platform.deps.cache, userEventLog(a.user.id), task.id);
    expect(live.map((e) => [e.type, e.data])).toEqual(domain.map((e) => [e.type, e.data]));
  });
});

// The notifications API through the gateway, on real PostgreSQL + Redis and on the embedded
// backends: list with cursor, unread filter and count, mark one / all read, preferences, strict
// input, and isolation between users (B never reads or marks A's notifications).
import { randomUUID } from 'node:crypto';
import { userEventLog } from '@elwosa/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendKinds, startTestPlatform, type TestPlatform } from '../../../test-support/platform.ts';
import type { NotificationDto } from '../src/api.js';
import { Api, emitTask, openNotificationsDb, registerAndLogin, type Tokens, waitFor } from './helpers.js';

interface Page {
  items: NotificationDto[];
  nextCursor: string | null;
}

const DUE_TASKS = 5;

describe.each(backendKinds())('notifications API (%s backends)', (kind) => {
  let platform: TestPlatform;
  let api: Api;
  let a: Tokens;
  let b: Tokens;

  const get = <T>(path: string, who: Tokens) => api.call<T>('GET', path, { token: who.accessToken });
  const send = <T>(method: string, path: string, who: Tokens, body?: unknown) =>
    api.call<T>(method, path, { token: who.accessToken, ...(body === undefined ? {} : { body }) });
  const unread = async (who: Tokens) =>
    (await get<{ count: number }>('/api/notifications/unread-count', who)).body.count;
  const all = async (who: Tokens, query = '') => {
    const items: NotificationDto[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: Page } = await get<Page>(
        `/api/notifications?limit=2${query}${cursor ? `&cursor=${cursor}` : ''}`,
        who,
      );
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      items.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    return items;
  };

  beforeAll(async () => {
    platform = await startTestPlatform({
      kind,
      targets: ['auth', 'notifications', 'gateway'],
      env: { ELWOSA_RATE_LIMIT_PER_MINUTE: '100000', ELWOSA_NOTIFY_SCAN_INTERVAL_MS: '100' },
    });
    api = new Api(platform.url);
    a = await registerAndLogin(api);
    b = await registerAndLogin(api);
    // Signing in is a security event: each user gets a "new sign-in" notification.
    for (const who of [a, b])
      await waitFor(async () => (await unread(who)) === 1, 'the sign-in notification');
    const soon = new Date(Date.now() + 10 * 60_000);
    for (let i = 1; i <= DUE_TASKS; i++)
      await emitTask(platform.deps.cache, a.user.id, { title: `A${i}`, dueAt: soon });
    await emitTask(platform.deps.cache, b.user.id, { title: 'B1', dueAt: soon });
    await waitFor(async () => (await unread(a)) === DUE_TASKS + 1, 'A’s due-soon notifications');
    await waitFor(async () => (await unread(b)) === 2, 'B’s due-soon notification');
  });
  afterAll(async () => {
    await platform?.stop();
  });

  it('lists newest first across cursor pages, each notification once', async () => {
    const items = await all(a);
    expect(items).toHaveLength(DUE_TASKS + 1);
    expect(new Set(items.map((n) => n.id)).size).toBe(items.length);
    const keys = items.map((n) => `${n.createdAt}|${n.id}`);
    expect([...keys].sort().reverse()).toEqual(keys);
    expect(items.map((n) => n.type).sort()).toEqual([
      'security.new_login',
      ...Array<string>(DUE_TASKS).fill('task.due_soon'),
    ]);
    const due = items.find((n) => n.type === 'task.due_soon')!;
    expect(Object.keys(due).sort()).toEqual([
      'body',
      'createdAt',
      'data',
      'id',
      'readAt',
      'title',
      'type',
      'userId',
    ]);
    expect(due).toMatchObject({ userId: a.user.id, readAt: null, data: { taskId: expect.any(String) } });
    expect(due.title).toMatch(/^Task due soon: A\d$/);
  });

  it('pushes every created notification to the user’s live event log', async () => {
    const ids = (await all(a)).map((n) => n.id).sort();
    const log = await platform.deps.cache.readRange(userEventLog(a.user.id), '0', 100);
    const pushed = log
      .filter((e) => e.fields.type === 'notification.created')
      .map((e) => (JSON.parse(e.fields.data ?? '{}') as NotificationDto).id)
      .sort();
    expect(pushed).toEqual(ids);
  });

  it('marks one read (idempotently), filters unread and counts them', async () => {
    const [first] = await all(a);
    const read = await send<NotificationDto>('PATCH', `/api/notifications/${first!.id}/read`, a);
    expect(read.status).toBe(200);
    expect(read.body.readAt).not.toBeNull();
    const again = await send<NotificationDto>('PATCH', `/api/notifications/${first!.id}/read`, a);
    expect(again.body.readAt).toBe(read.body.readAt);
    expect(await unread(a)).toBe(DUE_TASKS);
    const unreadItems = await all(a, '&unread=true');
    expect(unreadItems).toHaveLength(DUE_TASKS);
    expect(unreadItems.map((n) => n.id)).not.toContain(first!.id);
    expect(await all(a, '&unread=false')).toHaveLength(DUE_TASKS + 1);
  });

  it('marks all read, optionally only those created before a time', async () => {
    const items = await all(a, '&unread=true');
    const oldest = items.at(-1)!;
    const some = await send<{ updated: number }>('POST', '/api/notifications/read-all', a, {
      before: oldest.createdAt,
    });
    expect(some.status).toBe(200);
    const stillUnread = items.filter((n) => n.createdAt > oldest.createdAt).length;
    expect(some.body.updated).toBe(items.length - stillUnread);
    expect(await unread(a)).toBe(stillUnread);
    const rest = await send<{ updated: number }>('POST', '/api/notifications/read-all', a, {});
    expect(rest.body.updated).toBe(stillUnread);
    expect(await unread(a)).toBe(0);
    expect((await all(a)).every((n) => n.readAt !== null)).toBe(true);
  });

  it('never lets B read or mark A’s notifications (404), and keeps the lists apart', async () => {
    const aItems = await all(a);
    const bItems = await all(b);
    expect(bItems).toHaveLength(2);
    expect(bItems.every((n) => n.userId === b.user.id)).toBe(true);
    expect(bItems.map((n) => n.id).filter((id) => aItems.some((x) => x.id === id))).toEqual([]);

    const bUnreadBefore = await unread(b);
    const target = aItems[0]!;
    const stolen = await send('PATCH', `/api/notifications/${target.id}/read`, b);
    expect(stolen.status).toBe(404);
    expect(stolen.headers.get('content-type')).toContain('application/problem+json');
    expect(JSON.stringify(stolen.body)).not.toContain(target.title);
    expect((await send('PATCH', `/api/notifications/${randomUUID()}/read`, b)).status).toBe(404);

    // B's mark-all touches only B's; A's unread one (made unread again here) stays unread.
    const soon = new Date(Date.now() + 10 * 60_000);
    await emitTask(platform.deps.cache, a.user.id, { title: 'A-late', dueAt: soon });
    await waitFor(async () => (await unread(a)) === 1, 'A’s new notification');
    const bAll = await send<{ updated: number }>('POST', '/api/notifications/read-all', b, {});
    expect(bAll.body.updated).toBe(bUnreadBefore);
    expect(await unread(a)).toBe(1);
    expect(await unread(b)).toBe(0);
  });

  it('reads and updates preferences per type and channel, defaults included', async () => {
    const defaults = await get<Record<string, { in_app: boolean; email: boolean }>>(
      '/api/notifications/preferences',
      a,
    );
    expect(defaults.status).toBe(200);
    expect(Object.keys(defaults.body).sort()).toEqual([
      'security.mfa_changed',
      'security.new_login',
      'security.password_changed',
      'security.token_reuse',
      'task.due_soon',
    ]);
    expect(Object.values(defaults.body).every((c) => c.in_app && c.email)).toBe(true);

    const updated = await send<Record<string, { in_app: boolean; email: boolean }>>(
      'PATCH',
      '/api/notifications/preferences',
      a,
      { 'task.due_soon': { email: false }, 'security.new_login': { in_app: false, email: true } },
    );
    expect(updated.status).toBe(200);
    expect(updated.body['task.due_soon']).toEqual({ in_app: true, email: false });
    expect(updated.body['security.new_login']).toEqual({ in_app: false, email: true });
    expect((await get('/api/notifications/preferences', a)).body).toEqual(updated.body);
    expect((await get('/api/notifications/preferences', b)).body).toEqual(defaults.body);
  });

  it('applies the in-app preference: a type switched off is not listed', async () => {
    await send('PATCH', '/api/notifications/preferences', b, {
      'task.due_soon': { in_app: false, email: false },
    });
    const before = (await all(b)).length;
    await emitTask(platform.deps.cache, b.user.id, { title: 'muted', dueAt: new Date(Date.now() + 60_000) });
    const marker = await emitTask(platform.deps.cache, a.user.id, {
      title: 'marker',
      dueAt: new Date(Date.now() + 60_000),
    });
    // A's reminder for a task emitted after B's shows B's was processed too.
    await waitFor(async () => (await all(a)).some((n) => n.data.taskId === marker), 'the marker reminder');
    await new Promise((r) => setTimeout(r, 300));
    expect(await all(b)).toHaveLength(before);
  });

  it('rejects invalid input with 400 problem+json', async () => {
    const bad = async (method: string, path: string, body?: unknown) => {
      const res = await send(method, path, a, body);
      expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    };
    await bad('GET', '/api/notifications?limit=101');
    await bad('GET', '/api/notifications?limit=0');
    await bad('GET', '/api/notifications?limit=ten');
    await bad('GET', '/api/notifications?unread=yes');
    await bad('GET', '/api/notifications?userId=x');
    await bad('GET', '/api/notifications?cursor=%27%20OR%201%3D1');
    await bad('GET', `/api/notifications?cursor=${Buffer.from('1.x').toString('base64url')}`);
    await bad('PATCH', '/api/notifications/not-a-uuid/read');
    await bad('POST', '/api/notifications/read-all', { before: 'yesterday' });
    await bad('POST', '/api/notifications/read-all', { userId: b.user.id });
    await bad('PATCH', '/api/notifications/preferences', { 'task.unknown': { email: false } });
    await bad('PATCH', '/api/notifications/preferences', { 'task.due_soon': { sms: true } });
    await bad('PATCH', '/api/notifications/preferences', { 'task.due_soon': { email: 'no' } });
    await bad('PATCH', '/api/notifications/preferences', { 'task.due_soon': true });
  });

  it('queues emails but keeps them pending while SMTP_URL is unset, and says so once', async () => {
    expect(
      platform.logs.filter((l) => l.includes('email channel disabled: SMTP_URL is not set')),
    ).toHaveLength(1);
    const handle = openNotificationsDb(platform.deps.databaseUrl);
    try {
      const rows = await handle.client.emailOutbox.findMany({ where: { userId: b.user.id } });
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => r.status === 'pending' && r.attempts === 0)).toBe(true);
    } finally {
      await handle.disconnect();
    }
  });

  it('requires authentication', async () => {
    expect((await api.get('/api/notifications')).status).toBe(401);
    expect((await api.get('/api/notifications/unread-count')).status).toBe(401);
    expect((await api.call('POST', '/api/notifications/read-all', { body: {} })).status).toBe(401);
  });
});

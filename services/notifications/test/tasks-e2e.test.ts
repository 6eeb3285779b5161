// End to end with the real tasks service, through the gateway: a task due soon gives the owner
// an in-app notification and one email; a moved due date is reminded again; a done task is not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendKinds, startTestPlatform, type TestPlatform } from '../../../test-support/platform.ts';
import type { NotificationDto } from '../src/api.js';
import { Api, registerAndLogin, type Tokens, waitFor } from './helpers.js';
import { SmtpSink } from './smtp-sink.js';

const minutesFromNow = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

describe.each(backendKinds())('due-soon reminders for real tasks (%s backends)', (kind) => {
  let platform: TestPlatform;
  let sink: SmtpSink;
  let api: Api;
  let user: Tokens;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    platform = await startTestPlatform({
      kind,
      targets: ['auth', 'tasks', 'notifications', 'gateway'],
      env: {
        ELWOSA_RATE_LIMIT_PER_MINUTE: '100000',
        SMTP_URL: sink.url,
        ELWOSA_NOTIFY_SCAN_INTERVAL_MS: '100',
        ELWOSA_NOTIFY_OUTBOX_POLL_MS: '50',
      },
    });
    api = new Api(platform.url);
    user = await registerAndLogin(api);
  });
  afterAll(async () => {
    await platform?.stop();
    await sink?.down();
  });

  const call = <T = Record<string, unknown>>(method: string, path: string, body?: unknown, etag?: string) =>
    api.call<T>(method, path, {
      token: user.accessToken,
      ...(body === undefined ? {} : { body }),
      ...(etag ? { headers: { 'if-match': etag } } : {}),
    });
  const remindersOf = async (taskId: string) =>
    (await call<{ items: NotificationDto[] }>('GET', '/api/notifications?limit=100')).body.items.filter(
      (n) => n.type === 'task.due_soon' && n.data.taskId === taskId,
    );
  async function createTask(title: string, dueAt: string) {
    const res = await call<{ id: string }>('POST', '/api/tasks', { title, dueAt });
    expect(res.status).toBe(201);
    return { id: res.body.id, etag: res.headers.get('etag') ?? undefined };
  }
  async function update(task: { id: string; etag: string | undefined }, body: Record<string, unknown>) {
    const res = await call('PATCH', `/api/tasks/${task.id}`, body, task.etag);
    expect(res.status).toBe(200);
    task.etag = res.headers.get('etag') ?? undefined;
  }

  it('reminds the owner in the app and by email, and again when the due date moves', async () => {
    const task = await createTask('Submit taxes', minutesFromNow(10));
    const [first] = await waitFor(async () => {
      const r = await remindersOf(task.id);
      return r.length === 1 && r;
    }, 'the reminder');
    expect(first!.title).toBe('Task due soon: Submit taxes');
    await waitFor(
      () => sink.to(user.user.email).some((m) => m.subject?.includes('Submit taxes')),
      'the email',
    );

    await update(task, { dueAt: minutesFromNow(20) });
    const both = await waitFor(async () => {
      const r = await remindersOf(task.id);
      return r.length === 2 && r;
    }, 'the reminder for the new due date');
    expect(new Set(both.map((n) => n.data.dueAt)).size).toBe(2);
    await waitFor(
      () => sink.to(user.user.email).filter((m) => m.subject?.includes('Submit taxes')).length === 2,
      'the second email',
    );
  });

  it('does not remind about a task that is done', async () => {
    const done = await createTask('Already filed', minutesFromNow(120));
    await update(done, { status: 'done' });
    await update(done, { dueAt: minutesFromNow(10) });
    const marker = await createTask('Marker', minutesFromNow(10));
    await waitFor(async () => (await remindersOf(marker.id)).length === 1, 'the marker reminder');
    await new Promise((r) => setTimeout(r, 300));
    expect(await remindersOf(done.id)).toEqual([]);
  });
});

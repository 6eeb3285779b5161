// Email delivery through the outbox with an in-process SMTP server (smtp-server + mailparser),
// on real PostgreSQL + Redis and on the embedded backends: a due-soon task becomes an in-app
// notification and exactly one email (text + HTML); an SMTP server that rejects or is down and
// then recovers delivers exactly once; attempts run out → failed; racing workers send once.
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendKinds, startTestPlatform, type TestPlatform } from '../../../test-support/platform.ts';
import type { NotificationDto } from '../src/api.js';
import { createSmtpMailer } from '../src/email/mailer.js';
import { deliverDue, messageIdFor, type OutboxWorkerDeps } from '../src/email/outbox-worker.js';
import { createUserDirectory } from '../src/email/user-directory.js';
import type { PrismaClient } from '../src/generated/prisma/client.js';
import { createNotificationMetrics } from '../src/metrics.js';
import { createNotification } from '../src/store/notifications.js';
import {
  Api,
  emitTask,
  openNotificationsDb,
  registerAndLogin,
  sleep,
  type Tokens,
  waitFor,
} from './helpers.js';
import { SmtpSink } from './smtp-sink.js';

const MAX_ATTEMPTS = 4;

describe.each(backendKinds())('email delivery (%s backends)', (kind) => {
  let platform: TestPlatform;
  let sink: SmtpSink;
  let api: Api;
  let db: PrismaClient;
  let closeDb: () => Promise<void>;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    platform = await startTestPlatform({
      kind,
      targets: ['auth', 'notifications', 'gateway'],
      env: {
        ELWOSA_RATE_LIMIT_PER_MINUTE: '100000',
        SMTP_URL: sink.url,
        SMTP_FROM: 'ELWOSA <notify@elwosa.test>',
        ELWOSA_NOTIFY_SCAN_INTERVAL_MS: '100',
        ELWOSA_NOTIFY_OUTBOX_POLL_MS: '50',
        ELWOSA_NOTIFY_OUTBOX_BACKOFF_MS: '150',
        ELWOSA_NOTIFY_OUTBOX_BACKOFF_MAX_MS: '600',
        ELWOSA_NOTIFY_OUTBOX_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      },
    });
    api = new Api(platform.url);
    const handle = openNotificationsDb(platform.deps.databaseUrl);
    db = handle.client;
    closeDb = handle.disconnect;
  });
  afterAll(async () => {
    await closeDb?.();
    await platform?.stop();
    await sink?.down();
  });

  /** A new user whose sign-in alert email (a security event) has been delivered already. */
  async function newUser(): Promise<Tokens> {
    const user = await registerAndLogin(api);
    const alert = await waitFor(() => sink.to(user.user.email)[0], 'the sign-in alert email');
    expect(alert.subject).toBe('[ELWOSA] New sign-in to your account');
    return user;
  }

  /** Emits a task due in ten minutes and resolves its in-app reminder. */
  async function dueSoonReminder(user: Tokens, title: string): Promise<NotificationDto> {
    const taskId = await emitTask(platform.deps.cache, user.user.id, {
      title,
      dueAt: new Date(Date.now() + 10 * 60_000),
    });
    return waitFor(async () => {
      const page = await api.call<{ items: NotificationDto[] }>('GET', '/api/notifications', {
        token: user.accessToken,
      });
      return page.body.items.find((n) => n.type === 'task.due_soon' && n.data.taskId === taskId);
    }, 'the in-app reminder');
  }

  const emailsAbout = (user: Tokens, title: string) =>
    sink.to(user.user.email).filter((m) => m.subject?.includes(title));
  const outboxOf = (notificationId: string) => db.emailOutbox.findFirstOrThrow({ where: { notificationId } });

  it('turns a task due soon into an in-app notification and exactly one email with text and HTML', async () => {
    const user = await newUser();
    const title = 'Pay <rent> & "bills"';
    const reminder = await dueSoonReminder(user, title);
    const [email] = await waitFor(
      () => emailsAbout(user, title).length === 1 && emailsAbout(user, title),
      'the email',
    );
    expect(email!.subject).toBe(`[ELWOSA] Task due soon: ${title}`);
    expect(email!.from?.value).toEqual([{ name: 'ELWOSA', address: 'notify@elwosa.test' }]);
    expect(email!.text).toContain(`Task due soon: ${title}`);
    expect(email!.text).toContain('Hello Test User,');
    expect(email!.html).toContain('Task due soon: Pay &lt;rent&gt; &amp; &quot;bills&quot;');
    expect(email!.html).not.toContain('<rent>');
    const row = await outboxOf(reminder.id);
    expect(row).toMatchObject({ status: 'sent', attempts: 1, lockedBy: null });
    expect(email!.messageId).toBe(messageIdFor(row.id));

    // The same task again (a redelivered or repeated event, same due date): no second reminder.
    await emitTask(
      platform.deps.cache,
      user.user.id,
      {
        id: reminder.data.taskId as string,
        title,
        dueAt: new Date(reminder.data.dueAt as string),
        version: 2,
      },
      'task.updated',
    );
    await sleep(500);
    expect(emailsAbout(user, title)).toHaveLength(1);
    expect(await db.notification.count({ where: { userId: user.user.id, type: 'task.due_soon' } })).toBe(1);
  });

  it('retries after 4xx rejections and delivers exactly once when the server accepts', async () => {
    const user = await newUser();
    sink.reject(user.user.email, 2, 451);
    const reminder = await dueSoonReminder(user, 'Rejected twice');
    await waitFor(() => emailsAbout(user, 'Rejected twice').length > 0, 'the email after retries');
    await sleep(400);
    expect(emailsAbout(user, 'Rejected twice')).toHaveLength(1);
    expect(await outboxOf(reminder.id)).toMatchObject({ status: 'sent', attempts: 3 });
  });

  it('keeps the email while the SMTP server is down and delivers it once it is back', async () => {
    const user = await newUser();
    await sink.down();
    try {
      const reminder = await dueSoonReminder(user, 'Server down');
      const failed = await waitFor(async () => {
        const row = await outboxOf(reminder.id);
        return row.attempts >= 1 && row.status === 'pending' && row;
      }, 'a failed attempt');
      expect(failed.lastError).toMatch(/ECONNREFUSED|connect/i);
    } finally {
      await sink.up();
    }
    await waitFor(() => emailsAbout(user, 'Server down').length > 0, 'the email after recovery');
    await sleep(400);
    expect(emailsAbout(user, 'Server down')).toHaveLength(1);
  });

  it('gives up after the maximum number of attempts, and at once on a permanent rejection', async () => {
    const user = await newUser();
    sink.reject(user.user.email, Number.POSITIVE_INFINITY, 452);
    const reminder = await dueSoonReminder(user, 'Never accepted');
    const row = await waitFor(async () => {
      const r = await outboxOf(reminder.id);
      return r.status === 'failed' && r;
    }, 'the failed status');
    expect(row.attempts).toBe(MAX_ATTEMPTS);
    expect(row.lastError).toContain('452');
    expect(sink.attempts.get(user.user.email)).toBeGreaterThanOrEqual(MAX_ATTEMPTS + 1); // + sign-in alert
    await sleep(400);
    expect((await outboxOf(reminder.id)).attempts).toBe(MAX_ATTEMPTS);
    expect(emailsAbout(user, 'Never accepted')).toHaveLength(0);

    sink.reject(user.user.email, Number.POSITIVE_INFINITY, 550);
    const permanent = await dueSoonReminder(user, 'No such mailbox');
    const rejected = await waitFor(async () => {
      const r = await outboxOf(permanent.id);
      return r.status === 'failed' && r;
    }, 'the permanent failure');
    expect(rejected.attempts).toBe(1);
  });

  it('sends each email once when workers race for the same outbox', async () => {
    const user = await newUser();
    const count = 30;
    const drafts = Array.from({ length: count }, (_, i) => ({
      userId: user.user.id,
      type: 'task.due_soon',
      title: `race-${i}`,
      body: 'racing',
      data: {},
      dedupeKey: `race:${i}`,
    }));
    const created = await Promise.all(
      drafts.map((d) => createNotification(db, d, { inApp: true, email: true })),
    );
    const handles = [
      openNotificationsDb(platform.deps.databaseUrl),
      openNotificationsDb(platform.deps.databaseUrl),
    ];
    const mailer = createSmtpMailer({ url: sink.url, from: 'race@elwosa.test' });
    const worker = (i: number): OutboxWorkerDeps => ({
      db: handles[i]!.client,
      mailer,
      directory: createUserDirectory(platform.urlOf('auth')),
      settings: {
        retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 100 },
        pollMs: 10,
        leaseMs: 60_000,
        batchSize: 3,
      },
      logger: platform.deps.logger,
      metrics: createNotificationMetrics(new Registry()),
      workerId: `racer-${i}`,
      now: () => new Date(),
    });
    try {
      // Two extra workers with their own connections, plus the service's own worker.
      await Promise.all(
        [worker(0), worker(1)].map(async (w) => {
          while (await deliverDue(w)) {}
        }),
      );
      const ids = created.map((n) => n!.id);
      await waitFor(
        async () =>
          (await db.emailOutbox.count({ where: { notificationId: { in: ids }, status: 'sent' } })) === count,
        'every race email sent',
      );
      await sleep(300);
      const raced = sink.to(user.user.email).filter((m) => m.subject?.startsWith('[ELWOSA] race-'));
      expect(raced).toHaveLength(count);
      expect(new Set(raced.map((m) => m.subject)).size).toBe(count);
      const rows = await db.emailOutbox.findMany({ where: { notificationId: { in: ids } } });
      expect(rows.every((r) => r.attempts === 1)).toBe(true);
      expect(new Set(raced.map((m) => m.messageId))).toEqual(new Set(rows.map((r) => messageIdFor(r.id))));
    } finally {
      mailer.close();
      await Promise.all(handles.map((h) => h.disconnect()));
    }
  });
});

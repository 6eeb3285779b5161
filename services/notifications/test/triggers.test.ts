// Triggers with two notifications instances sharing the database and the cache (as two
// replicas do): the due-soon scan runs once per interval in total, a task due soon is reminded
// once, and security events from auth's stream become notifications (+ email when preferred).
import { emitDomainEvent, type RunningService } from '@elwosa/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendKinds, startTestPlatform, type TestPlatform } from '../../../test-support/platform.ts';
import { freePort } from '../../../test-support/ports.ts';
import type { NotificationDto } from '../src/api.js';
import { startNotifications } from '../src/service.js';
import { Api, emitTask, PASSWORD, registerAndLogin, sleep, type Tokens, waitFor } from './helpers.js';
import { SmtpSink } from './smtp-sink.js';

const INTERVAL_MS = 200;

describe.each(backendKinds())('notification triggers with two instances (%s backends)', (kind) => {
  let platform: TestPlatform;
  let sink: SmtpSink;
  let api: Api;
  let second: RunningService;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    platform = await startTestPlatform({
      kind,
      targets: ['auth', 'notifications', 'gateway'],
      env: {
        ELWOSA_RATE_LIMIT_PER_MINUTE: '100000',
        SMTP_URL: sink.url,
        ELWOSA_NOTIFY_SCAN_INTERVAL_MS: String(INTERVAL_MS),
        ELWOSA_NOTIFY_OUTBOX_POLL_MS: '50',
      },
    });
    const { config } = platform.deps;
    second = await startNotifications({
      ...platform.deps,
      config: { ...config, ports: { ...config.ports, notifications: await freePort() } },
    });
    api = new Api(platform.url);
  });
  afterAll(async () => {
    await platform?.stop();
    await sink?.down();
  });

  async function scans(port: number): Promise<{ ran: number; skipped: number }> {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const value = (outcome: string) =>
      Number(
        text.match(new RegExp(`^notifications_due_scans_total\\{outcome="${outcome}"\\} (\\d+)`, 'm'))?.[1] ??
          0,
      );
    return { ran: value('ran'), skipped: value('skipped') };
  }
  const totalScans = async () => {
    const [a, b] = await Promise.all([scans(platform.config.ports.notifications), scans(second.port)]);
    return { ran: a.ran + b.ran, skipped: a.skipped + b.skipped, perInstance: [a, b] };
  };

  async function inbox(user: Tokens): Promise<NotificationDto[]> {
    const res = await api.call<{ items: NotificationDto[] }>('GET', '/api/notifications?limit=100', {
      token: user.accessToken,
    });
    return res.body.items;
  }

  it('runs the due-soon scan once per interval across both instances', async () => {
    const before = await totalScans();
    const started = Date.now();
    await sleep(INTERVAL_MS * 10);
    const after = await totalScans();
    const slots = (Date.now() - started) / INTERVAL_MS;
    const ran = after.ran - before.ran;
    const skipped = after.skipped - before.skipped;
    // Every slot ran exactly once: never twice (both instances), never not at all.
    expect(ran).toBeGreaterThanOrEqual(Math.floor(slots) - 1);
    expect(ran).toBeLessThanOrEqual(Math.ceil(slots) + 1);
    // …and the other instance woke for the same slots and stood aside.
    expect(skipped).toBeGreaterThanOrEqual(Math.floor(slots) - 2);
    expect(after.perInstance.every((i) => i.ran + i.skipped > 0)).toBe(true);
  });

  it('reminds a task due soon once, with one email, although both instances scan and send', async () => {
    const user = await registerAndLogin(api);
    const taskId = await emitTask(platform.deps.cache, user.user.id, {
      title: 'Quarterly report',
      dueAt: new Date(Date.now() + 5 * 60_000),
    });
    await waitFor(
      () => sink.to(user.user.email).some((m) => m.subject?.includes('Quarterly report')),
      'the reminder email',
    );
    await sleep(INTERVAL_MS * 4);
    const reminders = (await inbox(user)).filter((n) => n.data.taskId === taskId);
    expect(reminders).toHaveLength(1);
    expect(sink.to(user.user.email).filter((m) => m.subject?.includes('Quarterly report'))).toHaveLength(1);
  });

  it('turns a security event from auth into a notification and an email', async () => {
    const user = await registerAndLogin(api);
    const changed = await api.call('POST', '/api/auth/me/password', {
      token: user.accessToken,
      body: { currentPassword: PASSWORD, newPassword: 'another correct horse battery' },
    });
    expect(changed.status).toBe(204);
    const alert = await waitFor(
      async () => (await inbox(user)).find((n) => n.type === 'security.password_changed'),
      'the password-changed notification',
    );
    expect(alert.title).toBe('Your password was changed');
    expect(alert.data).toMatchObject({ event: 'password.changed' });
    const email = await waitFor(
      () => sink.to(user.user.email).find((m) => m.subject === '[ELWOSA] Your password was changed'),
      'the password-changed email',
    );
    expect(email.text).toContain('If this was not you');
    await sleep(300);
    expect((await inbox(user)).filter((n) => n.type === 'security.password_changed')).toHaveLength(1);
    expect(sink.to(user.user.email).filter((m) => m.subject === email.subject)).toHaveLength(1);
  });

  it('notifies about every kind of auth security event, once each', async () => {
    const user = await registerAndLogin(api);
    const events = {
      'mfa.disabled': 'security.mfa_changed',
      'refresh.reuse_detected': 'security.token_reuse',
      'password.changed': 'security.password_changed',
    };
    // Two days old: history, not news — skipped (emitted first, so it is handled before the rest).
    await emitDomainEvent(platform.deps.cache, 'auth.security', {
      type: 'password.changed',
      userId: user.user.id,
      at: new Date(Date.now() - 2 * 86_400_000).toISOString(),
      data: { ip: 'old news' },
    });
    for (const type of Object.keys(events)) {
      await emitDomainEvent(platform.deps.cache, 'auth.security', { type, userId: user.user.id, data: {} });
    }
    await emitDomainEvent(platform.deps.cache, 'auth.security', {
      type: 'user.registered',
      userId: user.user.id,
      data: {},
    });
    const types = await waitFor(async () => {
      const items = await inbox(user);
      return items.length === 4 && items.map((n) => n.type).sort();
    }, 'the security notifications');
    expect(types).toEqual(['security.new_login', ...Object.values(events)].sort());
    await sleep(200);
    expect(await inbox(user)).toHaveLength(4);
  });

  it('one security event published twice (auth outbox relay) notifies once', async () => {
    const user = await registerAndLogin(api);
    const repeated = {
      type: 'mfa.disabled',
      userId: user.user.id,
      data: { ip: '203.0.113.10', eventId: crypto.randomUUID() },
    };
    await emitDomainEvent(platform.deps.cache, 'auth.security', repeated);
    await emitDomainEvent(platform.deps.cache, 'auth.security', repeated);
    // A different event of the same kind is its own notification.
    await emitDomainEvent(platform.deps.cache, 'auth.security', {
      ...repeated,
      data: { ip: '203.0.113.11', eventId: crypto.randomUUID() },
    });
    await waitFor(
      async () => (await inbox(user)).filter((n) => n.type === 'security.mfa_changed').length === 2,
      'the two MFA notifications',
    );
    await sleep(300);
    const bodies = (await inbox(user)).filter((n) => n.type === 'security.mfa_changed').map((n) => n.body);
    expect(bodies.filter((b) => b.includes('203.0.113.10'))).toHaveLength(1);
  });

  it('sends no email for a security event whose email channel the user turned off', async () => {
    const user = await registerAndLogin(api);
    const prefs = await api.call('PATCH', '/api/notifications/preferences', {
      token: user.accessToken,
      body: { 'security.mfa_changed': { email: false } },
    });
    expect(prefs.status).toBe(200);
    await emitDomainEvent(platform.deps.cache, 'auth.security', {
      type: 'mfa.enabled',
      userId: user.user.id,
      data: { ip: '203.0.113.9' },
    });
    const alert = await waitFor(
      async () => (await inbox(user)).find((n) => n.type === 'security.mfa_changed'),
      'the MFA notification',
    );
    expect(alert.body).toContain('from 203.0.113.9');
    // The sign-in alert of the same user (email on by default) shows the outbox is flowing.
    await waitFor(() => sink.to(user.user.email).length > 0, 'the sign-in alert email');
    await sleep(400);
    expect(sink.to(user.user.email).map((m) => m.subject)).toEqual(['[ELWOSA] New sign-in to your account']);
  });
});

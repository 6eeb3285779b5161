// The pure parts: retry policy, email template, preferences, due-soon selection and projection,
// cursors, security alerts, schedule slots.
import { describe, expect, it } from 'vitest';
import { DEFAULT_PREFERENCES, NOTIFICATION_TYPES } from '../src/domain/catalogue.js';
import { decodeCursor, encodeCursor } from '../src/domain/cursor.js';
import {
  isDueSoon,
  isStale,
  projectTaskEvent,
  reminderContent,
  reminderKey,
} from '../src/domain/due-soon.js';
import { escapeHtml, renderEmail } from '../src/domain/email-template.js';
import { channelsFor, preferenceChanges, resolvePreferences } from '../src/domain/preferences.js';
import { afterFailure, classifySendError, retryDelayMs } from '../src/domain/retry-policy.js';
import {
  isTooOldToAlert,
  SECURITY_ALERT_MAX_AGE_MS,
  securityAlert,
  securityKey,
} from '../src/domain/security-alerts.js';

const policy = { maxAttempts: 4, baseDelayMs: 1000, maxDelayMs: 5000 };

describe('retry policy', () => {
  it('doubles the delay per attempt up to the cap, jittered between half and all of it', () => {
    expect([1, 2, 3, 4, 5].map((a) => retryDelayMs(a, policy, () => 1))).toEqual([
      1000, 2000, 4000, 5000, 5000,
    ]);
    expect([1, 2, 3, 4].map((a) => retryDelayMs(a, policy, () => 0))).toEqual([500, 1000, 2000, 2500]);
    expect(retryDelayMs(2, policy, () => 0.5)).toBe(1500);
  });

  it('spreads retries of simultaneous failures', () => {
    const delays = new Set(Array.from({ length: 50 }, () => retryDelayMs(3, policy)));
    expect(delays.size).toBeGreaterThan(10);
    for (const d of delays) {
      expect(d).toBeGreaterThanOrEqual(2000);
      expect(d).toBeLessThanOrEqual(4000);
    }
  });

  it('retries transient failures until the last attempt, never permanent ones', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(afterFailure(1, 'transient', now, policy, () => 1)).toEqual({
      status: 'pending',
      nextAttemptAt: new Date('2026-01-01T00:00:01Z'),
    });
    expect(afterFailure(3, 'transient', now, policy, () => 1)).toMatchObject({ status: 'pending' });
    expect(afterFailure(4, 'transient', now, policy)).toEqual({ status: 'failed' });
    expect(afterFailure(1, 'permanent', now, policy)).toEqual({ status: 'failed' });
  });

  it('treats SMTP 5xx as permanent and everything else as transient', () => {
    expect(classifySendError({ responseCode: 550 })).toBe('permanent');
    expect(classifySendError({ responseCode: 451 })).toBe('transient');
    expect(classifySendError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBe(
      'transient',
    );
    expect(classifySendError(null)).toBe('transient');
  });
});

describe('email template', () => {
  const input = {
    recipientName: 'Ada <admin>',
    title: 'Task due soon: <script>alert("x")</script> & more',
    body: "Line one\nline two\n\nIt's <b>bold</b>",
    createdAt: new Date('2026-03-04T05:06:07.000Z'),
  };

  it('escapes HTML special characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('renders text and HTML with the user content escaped only in HTML', () => {
    const email = renderEmail(input);
    expect(email.subject).toBe('[ELWOSA] Task due soon: <script>alert("x")</script> & more');
    expect(email.text).toContain('Hello Ada <admin>,');
    expect(email.text).toContain(input.body);
    expect(email.text).toContain('2026-03-04T05:06:07.000Z');
    expect(email.html).not.toContain('<script>');
    expect(email.html).not.toContain('<b>bold</b>');
    expect(email.html).not.toContain('<admin>');
    expect(email.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more');
    expect(email.html).toContain('<p>Line one<br>line two</p>\n<p>It&#39;s &lt;b&gt;bold&lt;/b&gt;</p>');
  });

  it('keeps the subject on one bounded line', () => {
    const email = renderEmail({ ...input, title: `a\r\nBcc: evil@example.com ${'x'.repeat(300)}` });
    expect(email.subject).not.toMatch(/[\r\n]/);
    expect(email.subject.length).toBeLessThanOrEqual(160);
  });
});

describe('preferences', () => {
  it('defaults every type to every channel', () => {
    const matrix = resolvePreferences([]);
    expect(matrix).toEqual(DEFAULT_PREFERENCES);
    for (const t of NOTIFICATION_TYPES) expect(channelsFor(matrix, t)).toEqual(['in_app', 'email']);
  });

  it('lays stored choices over the defaults and ignores retired types and channels', () => {
    const matrix = resolvePreferences([
      { type: 'task.due_soon', channel: 'email', enabled: false },
      { type: 'security.new_login', channel: 'in_app', enabled: false },
      { type: 'task.gone', channel: 'email', enabled: false },
      { type: 'task.due_soon', channel: 'sms', enabled: true },
    ]);
    expect(channelsFor(matrix, 'task.due_soon')).toEqual(['in_app']);
    expect(channelsFor(matrix, 'security.new_login')).toEqual(['email']);
    expect(channelsFor(matrix, 'security.mfa_changed')).toEqual(['in_app', 'email']);
    expect(Object.keys(matrix)).toEqual([...NOTIFICATION_TYPES]);
    // the defaults themselves are never modified
    expect(DEFAULT_PREFERENCES['task.due_soon'].email).toBe(true);
  });

  it('flattens a partial update into single choices', () => {
    expect(
      preferenceChanges({
        'task.due_soon': { email: false },
        'security.token_reuse': { in_app: true, email: false },
      }),
    ).toEqual([
      { type: 'task.due_soon', channel: 'email', enabled: false },
      { type: 'security.token_reuse', channel: 'in_app', enabled: true },
      { type: 'security.token_reuse', channel: 'email', enabled: false },
    ]);
    expect(preferenceChanges({})).toEqual([]);
  });
});

describe('due-soon selection', () => {
  const window = 60 * 60_000;
  const now = new Date('2026-05-01T12:00:00Z');
  const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000);
  const reminder = (dueInMinutes: number, notifiedDueAt: Date | null = null) => ({
    taskId: '00000000-0000-4000-8000-000000000001',
    userId: '00000000-0000-4000-8000-000000000002',
    title: 'Pay rent',
    dueAt: at(dueInMinutes),
    notifiedDueAt,
  });

  it('selects tasks due within the window, and ones missed by less than the window', () => {
    expect(isDueSoon(reminder(30), now, window)).toBe(true);
    expect(isDueSoon(reminder(60), now, window)).toBe(true);
    expect(isDueSoon(reminder(61), now, window)).toBe(false);
    expect(isDueSoon(reminder(-30), now, window)).toBe(true);
    expect(isDueSoon(reminder(-60), now, window)).toBe(false);
  });

  it('reminds once per due date, again after the due date moved', () => {
    expect(isDueSoon(reminder(30, at(30)), now, window)).toBe(false);
    expect(isDueSoon(reminder(30, at(-300)), now, window)).toBe(true);
    expect(reminderKey('t', at(30))).not.toBe(reminderKey('t', at(31)));
  });

  it('words the reminder for due and overdue tasks', () => {
    expect(reminderContent(reminder(30), now)).toMatchObject({
      title: 'Task due soon: Pay rent',
      data: { taskId: reminder(0).taskId, dueAt: '2026-05-01T12:30:00.000Z' },
    });
    expect(reminderContent(reminder(-5), now).title).toBe('Task overdue: Pay rent');
  });
});

describe('task projection', () => {
  const id = '00000000-0000-4000-8000-0000000000aa';
  const owner = '00000000-0000-4000-8000-0000000000bb';
  const task = (overrides: Record<string, unknown> = {}) => ({
    type: 'task.updated',
    userId: owner,
    data: {
      id,
      title: 'T',
      status: 'todo',
      dueAt: '2026-05-01T12:30:00.000Z',
      ownerId: owner,
      version: 3,
      ...overrides,
    },
  });

  it('keeps open tasks with a due date', () => {
    expect(projectTaskEvent(task())).toEqual({
      kind: 'upsert',
      taskId: id,
      userId: owner,
      title: 'T',
      dueAt: new Date('2026-05-01T12:30:00.000Z'),
      version: 3,
    });
  });

  it('drops done, cancelled, undated and deleted tasks', () => {
    expect(projectTaskEvent(task({ status: 'done' }))).toMatchObject({ kind: 'remove', taskId: id });
    expect(projectTaskEvent(task({ status: 'cancelled' }))).toMatchObject({ kind: 'remove' });
    expect(projectTaskEvent(task({ dueAt: null }))).toMatchObject({ kind: 'remove' });
    expect(
      projectTaskEvent({
        type: 'task.deleted',
        userId: owner,
        data: { id, deletedAt: '2026-05-01T00:00:00Z' },
      }),
    ).toEqual({ kind: 'remove', taskId: id, version: undefined });
  });

  it('ignores other and malformed events', () => {
    expect(projectTaskEvent({ type: 'task.commented', userId: owner, data: {} }).kind).toBe('ignore');
    expect(projectTaskEvent(task({ id: 'not-a-uuid' })).kind).toBe('ignore');
    expect(projectTaskEvent(task({ dueAt: 'tomorrow' })).kind).toBe('ignore');
    expect(projectTaskEvent({ type: 'task.deleted', userId: owner, data: null }).kind).toBe('ignore');
  });

  it('never lets an older version overwrite a newer one', () => {
    expect(isStale(2, 3)).toBe(true);
    expect(isStale(3, 3)).toBe(false);
    expect(isStale(4, 3)).toBe(false);
    expect(isStale(undefined, 3)).toBe(false);
    expect(isStale(1, undefined)).toBe(false);
  });
});

describe('cursor', () => {
  it('round-trips a position and rejects anything else', () => {
    const position = {
      createdAt: new Date('2026-01-02T03:04:05.678Z'),
      id: '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b',
    };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
    expect(decodeCursor('abc')).toBeUndefined();
    expect(decodeCursor(Buffer.from('12.not-a-uuid').toString('base64url'))).toBeUndefined();
    expect(decodeCursor(Buffer.from(`x.${position.id}`).toString('base64url'))).toBeUndefined();
    expect(decodeCursor(Buffer.from(`1.${position.id}.2`).toString('base64url'))).toBeUndefined();
  });
});

describe('security alerts', () => {
  it('maps each auth security event to its notification type', () => {
    expect(securityAlert('login.new', { ip: '203.0.113.7', userAgent: 'curl/8' })).toMatchObject({
      type: 'security.new_login',
      data: { event: 'login.new', ip: '203.0.113.7', userAgent: 'curl/8' },
    });
    expect(securityAlert('mfa.enabled', {})?.type).toBe('security.mfa_changed');
    expect(securityAlert('mfa.disabled', {})?.title).toBe('Two-factor authentication turned off');
    expect(securityAlert('refresh.reuse_detected', { ip: '198.51.100.1' })?.type).toBe(
      'security.token_reuse',
    );
    expect(securityAlert('password.changed', null)?.type).toBe('security.password_changed');
    expect(securityAlert('user.registered', {})).toBeUndefined();
  });

  it('keys a notification by the event id auth gives it, else by the stream entry', () => {
    const eventId = '0f8fad5b-d9cb-469f-a165-70867728950e';
    expect(securityKey('1-0', { eventId })).toBe(`security:${eventId}`);
    expect(securityKey('2-0', { eventId })).toBe(`security:${eventId}`);
    expect(securityKey('3-0', {})).toBe('security:3-0');
    expect(securityKey('4-0', { eventId: 'x'.repeat(65) })).toBe('security:4-0');
    expect(securityKey('5-0', null)).toBe('security:5-0');
  });

  it('skips events too old to be news', () => {
    const now = new Date('2026-05-02T00:00:00Z');
    const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();
    expect(isTooOldToAlert(ago(SECURITY_ALERT_MAX_AGE_MS - 1000), now)).toBe(false);
    expect(isTooOldToAlert(ago(SECURITY_ALERT_MAX_AGE_MS + 1000), now)).toBe(true);
    expect(isTooOldToAlert('', now)).toBe(false);
  });

  it('mentions where it came from when known', () => {
    expect(securityAlert('password.changed', { ip: '203.0.113.7' })?.body).toContain('from 203.0.113.7');
    expect(securityAlert('password.changed', { ip: 42 })?.body).not.toContain('from');
  });
});

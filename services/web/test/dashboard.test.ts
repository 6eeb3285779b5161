// The dashboard end to end: Debian's Chromium (playwright-core) against the whole platform in
// this process, the gateway serving the built app under its CSP, a fake Ollama behind the real
// ai-bridge. One person's day, in order: sign up, turn on MFA, sign in with a code, tasks with
// steps seen live in a second browser, a conflicting edit, offline and back, chat that creates a
// task, memory, notifications, administration; axe-core on every main page and no console
// errors anywhere. With ELWOSA_SCREENSHOTS=<folder> it also saves a screenshot of each page.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { scenarios } from '../../../test-support/ai/index.ts';
import { axeViolations, launchChromium, openPage, snap, type WatchedPage } from './support/browser.ts';
import { type E2ePlatform, startE2ePlatform } from './support/e2e-platform.ts';
import { totp } from './support/totp.ts';

const PASSWORD = 'correct horse battery staple';
const stamp = Date.now().toString(36);
const ADMIN = { name: 'Ada Admin', email: `ada-${stamp}@example.com` };
const MEMBER = { name: 'Max Member', email: `max-${stamp}@example.com` };

describe('web dashboard end to end', () => {
  let env: E2ePlatform;
  let browser: Browser;
  const pages: WatchedPage[] = [];
  let a: WatchedPage; // the admin's first browser
  let b: WatchedPage; // the admin's second browser (live updates)
  let secret = '';

  beforeAll(async () => {
    [env, browser] = await Promise.all([startE2ePlatform(), launchChromium()]);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await env?.stop();
  });
  afterEach(() => {
    // Taken out, so one test's errors fail that test only.
    const errors = pages.flatMap((p) => p.errors.splice(0));
    expect(errors, 'console errors').toEqual([]);
  });

  const open = async (viewport?: { width: number; height: number }) => {
    const p = await openPage(browser, env.url, viewport ? { viewport } : {});
    pages.push(p);
    return p;
  };
  /** Takes the screenshot, then fails on any accessibility violation. */
  const checkPage = async (page: Page, name: string) => {
    await snap(page, name);
    expect(await axeViolations(page), `axe on ${name}`).toEqual([]);
  };
  /** Removes expected browser errors (e.g. the 412 of a conflict) and fails if none was seen. */
  const expectErrors = (p: WatchedPage, pattern: RegExp) => {
    const seen = p.errors.filter((e) => pattern.test(e));
    p.errors.splice(0, p.errors.length, ...p.errors.filter((e) => !pattern.test(e)));
    return seen;
  };
  const signIn = async (page: Page, who: { email: string }) => {
    await page.goto('/signin');
    await page.getByLabel('Email').fill(who.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
  };

  it('serves the app at / with a strict CSP', async () => {
    const res = await fetch(`${env.url}/tasks`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toMatch(/unsafe/);
    expect(await res.text()).toContain('<div id="root">');
  });

  it('is installable: a manifest whose icons exist, and a service worker', async () => {
    const manifest = (await (await fetch(`${env.url}/manifest.webmanifest`)).json()) as {
      name: string;
      start_url: string;
      display: string;
      icons: { src: string; sizes: string; type: string }[];
    };
    expect(manifest).toMatchObject({ name: 'ELWOSA', start_url: '/tasks', display: 'standalone' });
    expect(manifest.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
    for (const icon of manifest.icons) {
      const res = await fetch(`${env.url}${icon.src}`);
      expect(res.status, icon.src).toBe(200);
      expect(res.headers.get('content-type'), icon.src).toContain(icon.type);
    }
    const sw = await fetch(`${env.url}/sw.js`);
    expect(sw.status).toBe(200);
    expect(sw.headers.get('cache-control')).toBe('no-cache');
  });

  it('signs up and signs in', { timeout: 60_000 }, async () => {
    a = await open();
    await a.page.goto('/');
    await a.page.waitForURL('**/signin');
    await checkPage(a.page, 'signin');
    await a.page.getByRole('link', { name: 'Create an account' }).click();
    await a.page.getByRole('heading', { name: 'Create an account' }).waitFor();
    await checkPage(a.page, 'signup');
    await a.page.getByLabel('Name').fill(ADMIN.name);
    await a.page.getByLabel('Email').fill(ADMIN.email);
    await a.page.getByLabel('Password').fill(PASSWORD);
    await a.page.getByRole('button', { name: 'Create account' }).click();
    await a.page.getByRole('link', { name: 'Continue to sign in' }).click();
    await signIn(a.page, ADMIN);
    await a.page.waitForURL('**/tasks');
    await a.page.getByRole('heading', { name: 'Tasks', level: 1 }).waitFor();
    // The first user of a platform is its admin.
    await a.page.getByRole('link', { name: 'Admin' }).waitFor();
  });

  it('enables MFA with the QR code and shows the backup codes once', { timeout: 60_000 }, async () => {
    await a.page.getByRole('link', { name: 'Account' }).click();
    await a.page.getByRole('button', { name: 'Set up two-step verification' }).click();
    await a.page.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor();
    secret = (await a.page.getByTestId('mfa-secret').textContent()) ?? '';
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    await a.page.getByLabel('Code from the app').fill(totp(secret));
    expect(await a.page.getByRole('list', { name: 'Backup codes' }).count()).toBe(0);
    await a.page.getByRole('button', { name: 'Turn on' }).click();
    await a.page.getByRole('list', { name: 'Backup codes' }).getByRole('listitem').nth(9).waitFor();
    await a.page.getByText('Status: on').waitFor();
    await checkPage(a.page, 'account');
  });

  it('signs in with a TOTP code in a second browser; the first gets the notification live', {
    timeout: 60_000,
  }, async () => {
    await a.page.getByRole('link', { name: 'Notifications, ' }).click();
    await a.page.getByRole('heading', { name: 'Notifications', level: 1 }).waitFor();
    const logins = a.page
      .getByRole('list', { name: 'Notifications' })
      .getByText('New sign-in to your account');
    await logins.first().waitFor();
    const before = await logins.count();

    b = await open();
    await signIn(b.page, ADMIN);
    await b.page.getByRole('heading', { name: 'Two-step verification' }).waitFor();
    await checkPage(b.page, 'signin-mfa');
    // The enrolment used the current time step; the next one is still accepted and not used yet.
    await b.page.getByLabel('Code').fill(totp(secret, Date.now() + 30_000));
    await b.page.getByRole('button', { name: 'Verify' }).click();
    await b.page.waitForURL('**/tasks');

    await expect.poll(() => logins.count(), { timeout: 15_000 }).toBe(before + 1);
    const bell = a.page.getByTestId('unread-count');
    await expect
      .poll(async () => Number(await bell.textContent()), { timeout: 15_000 })
      .toBeGreaterThanOrEqual(before + 1);
    await checkPage(a.page, 'notifications');
  });

  it('creates a task with steps; the second browser sees it and its progress live', {
    timeout: 60_000,
  }, async () => {
    await a.page.getByRole('link', { name: 'Tasks' }).click();
    await a.page.getByRole('link', { name: 'New task' }).click();
    await a.page.getByLabel('Title').fill('Plan the offsite');
    await a.page.getByLabel('Description').fill('Two days in the mountains');
    await a.page.getByLabel('Priority').selectOption('high');
    await a.page.getByLabel('Due').fill('2030-05-01T09:00');
    await a.page.getByLabel('Tags').fill('work, team');
    for (const step of ['Book venue', 'Send invites']) {
      await a.page.getByLabel('New step').fill(step);
      await a.page.getByRole('button', { name: 'Add step' }).click();
    }
    await checkPage(a.page, 'task-new');
    await a.page.getByRole('button', { name: 'Create task' }).click();
    await a.page.waitForURL(/\/tasks\/[0-9a-f-]{36}$/);
    await a.page.getByRole('heading', { name: 'Plan the offsite', level: 1 }).waitFor();

    const card = b.page.getByRole('article', { name: 'Plan the offsite' });
    await card.waitFor({ timeout: 10_000 });
    await expect(card.getByTestId('task-progress').textContent()).resolves.toBe('0/2 steps');
    const bookVenue = a.page.getByRole('checkbox', { name: 'Book venue' });
    await bookVenue.click();
    await expect.poll(() => bookVenue.isChecked()).toBe(true);
    await expect
      .poll(() => card.getByTestId('task-progress').textContent(), { timeout: 10_000 })
      .toBe('1/2 steps');
    await checkPage(a.page, 'task-edit');
    await checkPage(b.page, 'tasks-list');

    await b.page.getByRole('button', { name: 'Board' }).click();
    await b.page
      .getByRole('region', { name: /todo/ })
      .getByRole('article', { name: 'Plan the offsite' })
      .waitFor();
    await checkPage(b.page, 'tasks-board');
    await b.page.getByRole('button', { name: 'List' }).click();
    await b.page.getByRole('searchbox', { name: 'Search tasks' }).fill('mountains');
    await b.page.getByRole('button', { name: 'Search' }).click();
    await b.page.waitForURL(/q=mountains/);
    await card.waitFor();
    await b.page.getByRole('searchbox', { name: 'Search tasks' }).fill('');
    await b.page.getByRole('button', { name: 'Search' }).click();
  });

  it('keeps my edit through a concurrent change and resolves the 412', { timeout: 60_000 }, async () => {
    await a.page.getByLabel('Title').fill('Plan the offsite (final)');
    await b.page.getByLabel('Status of Plan the offsite').selectOption('in_progress');
    await a.page.getByText('This task changed elsewhere while you edit').waitFor({ timeout: 10_000 });
    await a.page.getByRole('button', { name: 'Save' }).click();
    await a.page.getByText('This task was changed elsewhere after you started editing').waitFor();
    expect(expectErrors(a, /412/).length).toBeGreaterThan(0);
    await a.page.getByRole('button', { name: 'Keep mine (overwrite)' }).click();
    await a.page.getByRole('heading', { name: 'Plan the offsite (final)', level: 1 }).waitFor();
    await b.page.getByRole('article', { name: 'Plan the offsite (final)' }).waitFor({ timeout: 10_000 });
  });

  it('works offline: queues a change and replays it on reconnect', { timeout: 60_000 }, async () => {
    await b.page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await b.context.setOffline(true);
    await b.page.getByText('You are offline').waitFor();
    await b.page.getByLabel('Status of Plan the offsite (final)').selectOption('blocked');
    await b.page.getByText('1 change waiting to be sent').waitFor();
    // A reload without a network: the service worker serves the app, the tasks come from the
    // browser's copy, read-only.
    await b.page.reload();
    await b.page.getByText('Offline: showing the tasks as last seen').waitFor({ timeout: 15_000 });
    await b.page.getByRole('article', { name: 'Plan the offsite (final)' }).waitFor();
    await snap(b.page, 'tasks-offline');
    await b.context.setOffline(false);
    await b.page.getByText('1 change waiting to be sent').waitFor({ state: 'detached', timeout: 15_000 });
    await expect
      .poll(() => a.page.getByLabel('Status', { exact: true }).inputValue(), { timeout: 10_000 })
      .toBe('blocked');
    expectErrors(b, /ERR_INTERNET_DISCONNECTED|WebSocket|Failed to load resource|net::ERR/);
  });

  it('chats: the answer streams, the agent creates a task and links it, stop works', {
    timeout: 90_000,
  }, async () => {
    env.ollama.next(
      scenarios.toolCalls([
        {
          name: 'create_task',
          arguments: { title: 'Call Anna', priority: 'high', steps: ['Find her number'] },
        },
      ]),
      scenarios.reply('Done: the task Call Anna is on your list.'),
    );
    await a.page.getByRole('link', { name: 'Chat' }).click();
    await a.page.getByRole('button', { name: 'New conversation' }).click();
    await a.page.waitForURL(/\/chat\/[0-9a-f-]{36}$/);
    await a.page.getByLabel('Message').fill('Remind me to call Anna');
    await a.page.getByRole('button', { name: 'Send' }).click();
    const created = a.page.getByTestId('tool-result').getByRole('link', { name: '“Call Anna”' });
    await created.waitFor({ timeout: 20_000 });
    await a.page.getByText('Done: the task Call Anna is on your list.').waitFor({ timeout: 20_000 });
    await b.page.getByRole('article', { name: 'Call Anna' }).waitFor({ timeout: 10_000 });
    await a.page.getByRole('button', { name: 'Regenerate' }).waitFor();
    await checkPage(a.page, 'chat');

    const long = Array.from({ length: 80 }, (_, i) => `word${i}`).join(' ');
    env.ollama.next(scenarios.slow(long, 100));
    await a.page.getByLabel('Message').fill('Tell me a long story');
    await a.page.getByRole('button', { name: 'Send' }).click();
    await a.page.getByText('word3 ', { exact: false }).waitFor({ timeout: 15_000 });
    await a.page.getByRole('button', { name: 'Stop' }).click();
    await a.page.getByText('Stopped.').waitFor({ timeout: 15_000 });
    env.ollama.next(scenarios.reply('A second answer.'));
    await a.page.getByRole('button', { name: 'Regenerate' }).click();
    await a.page.getByText('A second answer.').waitFor({ timeout: 15_000 });
    await a.page.getByText('Stopped.').waitFor({ state: 'detached' });
    // Both answers stay: switch back to the stopped one and forth again.
    await a.page.getByRole('button', { name: 'Previous version' }).click();
    await a.page.getByText('Stopped.').waitFor();
    await a.page.getByRole('button', { name: 'Next version' }).click();
    await a.page.getByText('A second answer.').waitFor();

    // The connection drops mid-answer; after it is back the socket resumes and the answer is
    // complete, each piece once.
    const story = Array.from({ length: 30 }, (_, i) => `part${i}`).join(' ');
    env.ollama.next(scenarios.slow(story, 80));
    await a.page.getByLabel('Message').fill('And another story');
    await a.page.getByRole('button', { name: 'Send' }).click();
    await a.page.getByText('part2 ', { exact: false }).waitFor({ timeout: 15_000 });
    await a.context.setOffline(true);
    await a.page.waitForTimeout(800);
    await a.context.setOffline(false);
    const answer = a.page.locator('.message.assistant .content').last();
    await expect.poll(() => answer.textContent(), { timeout: 20_000 }).toBe(story);
    await a.page.getByRole('button', { name: 'Regenerate' }).waitFor({ timeout: 15_000 });

    // Conversations are searchable by their messages.
    await a.page.getByRole('button', { name: 'New conversation' }).click();
    await a.page.getByRole('searchbox', { name: 'Search conversations' }).fill('Anna');
    await a.page.getByRole('button', { name: 'Search', exact: true }).click();
    const found = a.page.getByRole('navigation', { name: 'Conversations' }).getByRole('link');
    await expect.poll(() => found.allTextContents(), { timeout: 10_000 }).toEqual(['Remind me to call Anna']);
    await found.click();
    await created.click();
    await a.page.getByRole('heading', { name: 'Call Anna', level: 1 }).waitFor();
    await a.page.getByRole('checkbox', { name: 'Find her number' }).waitFor();
  });

  it('remembers, finds, pins, edits and deletes a memory', { timeout: 60_000 }, async () => {
    await a.page.getByRole('link', { name: 'Memory' }).click();
    await a.page.getByLabel('Content').fill('My favourite tea is genmaicha');
    await a.page.getByRole('textbox', { name: 'Tags' }).fill('tea');
    await a.page.getByRole('button', { name: 'Save memory' }).click();
    const memories = a.page.getByRole('list', { name: 'Memories' });
    await memories.getByText('My favourite tea is genmaicha').waitFor();
    await a.page.getByRole('searchbox', { name: 'Search memories' }).fill('My favourite tea is genmaicha');
    await a.page.getByRole('button', { name: 'Search', exact: true }).click();
    await memories
      .getByText(/match \d+%/)
      .first()
      .waitFor();
    await a.page.getByRole('button', { name: /^Pin memory: My favourite tea/ }).click();
    await memories.getByText('pinned', { exact: true }).waitFor();
    await checkPage(a.page, 'memory');
    await a.page.getByRole('button', { name: /^Edit memory: My favourite tea/ }).click();
    await memories.getByLabel('Content').fill('My favourite tea is sencha');
    await memories.getByRole('button', { name: 'Save' }).click();
    await memories.getByText('My favourite tea is sencha').waitFor();
    await a.page.getByRole('button', { name: /^Delete memory: My favourite tea/ }).click();
    await memories.getByText('My favourite tea is sencha').waitFor({ state: 'detached' });
  });

  it('shows the admin users, audit log, analytics charts and AI routing', { timeout: 90_000 }, async () => {
    await a.page.getByRole('link', { name: 'Admin' }).click();
    await a.page.getByRole('cell', { name: ADMIN.email, exact: true }).waitFor();
    await checkPage(a.page, 'admin-users');
    await a.page.getByRole('link', { name: 'Audit log' }).click();
    await a.page.getByRole('cell', { name: 'mfa.enabled' }).first().waitFor();
    await checkPage(a.page, 'admin-audit');
    await a.page.getByRole('link', { name: 'AI routing' }).click();
    await a.page.getByRole('rowheader', { name: env.ollama.url }).waitFor();
    await a.page.getByRole('cell', { name: 'healthy' }).waitFor();
    await checkPage(a.page, 'admin-ai');

    // The usage of the chat above reaches analytics through the event stream: wait for it.
    await expect
      .poll(
        async () => {
          await a.page.goto('/admin/analytics');
          return Number(await a.page.getByTestId('total-requests').textContent());
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toBeGreaterThanOrEqual(3);
    for (const chart of [
      'Requests per day',
      'Tokens per day',
      'Cost per day',
      'Tokens by model',
      'Requests by user',
    ])
      await a.page.getByRole('figure', { name: chart }).waitFor();
    await a.page.getByRole('img', { name: /Tokens by model/ }).waitFor();
    await checkPage(a.page, 'admin-analytics');
  });

  it('stays signed in across a reload; API keys, session revoke and notification settings', {
    timeout: 60_000,
  }, async () => {
    // A reload forgets the in-memory access token: the stored refresh token signs back in.
    await a.page.reload();
    await a.page.getByRole('figure', { name: 'Requests per day' }).waitFor();

    await a.page.getByRole('link', { name: 'Account' }).click();
    await a.page.getByLabel('Key name').fill('laptop script');
    await a.page.getByRole('button', { name: 'Create key' }).click();
    const key = (await a.page.locator('code.secret').textContent()) ?? '';
    expect(key).toMatch(/^elw_/);
    const me = await fetch(`${env.url}/api/auth/me`, { headers: { authorization: `Bearer ${key}` } });
    expect(((await me.json()) as { email: string }).email).toBe(ADMIN.email);
    await a.page.getByRole('button', { name: 'Revoke key laptop script' }).click();
    await a.page.getByRole('button', { name: 'Revoke key laptop script' }).waitFor({ state: 'detached' });

    // Ending the second browser's session: its next refresh is refused and it is signed out.
    await a.page
      .getByRole('button', { name: /^Revoke session from/ })
      .first()
      .click();
    await a.page.getByRole('button', { name: /^Revoke session from/ }).waitFor({ state: 'detached' });
    await b.page.reload();
    await b.page.waitForURL('**/signin', { timeout: 15_000 });
    expect(expectErrors(b, /401/).length).toBeGreaterThan(0);

    await a.page.getByRole('link', { name: /^Notifications, [1-9]/ }).click();
    await a.page.getByRole('button', { name: 'Mark all read' }).click();
    await a.page.getByRole('link', { name: 'Notifications, 0 unread' }).waitFor();
    const emailLogins = a.page.getByRole('checkbox', { name: 'security.new_login by email' });
    await emailLogins.click();
    await expect.poll(() => emailLogins.isChecked()).toBe(false);
    await a.page.reload();
    await a.page.getByRole('checkbox', { name: 'security.new_login by in_app' }).waitFor();
    expect(await emailLogins.isChecked()).toBe(false);
  });

  it('gives a member on a phone the menu and no administration', { timeout: 60_000 }, async () => {
    const res = await fetch(`${env.url}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...MEMBER, password: PASSWORD }),
    });
    expect(res.status).toBe(202);
    const phone = await open({ width: 390, height: 844 });
    await signIn(phone.page, MEMBER);
    await phone.page.waitForURL('**/tasks');
    await phone.page.getByText('No tasks here yet.').waitFor();
    await checkPage(phone.page, 'phone-tasks');
    await phone.page.getByRole('button', { name: 'Menu' }).click();
    await phone.page.getByRole('link', { name: 'Memory' }).waitFor();
    expect(await phone.page.getByRole('link', { name: 'Admin' }).count()).toBe(0);
    await snap(phone.page, 'phone-menu');
    await phone.page.goto('/admin/users');
    await phone.page.getByText('This page is for administrators.').waitFor();

    await phone.page.goto('/account');
    await phone.page.getByLabel('Current password').fill(PASSWORD);
    await phone.page.getByLabel('New password').fill(`${PASSWORD} 2`);
    await phone.page.getByRole('button', { name: 'Change password' }).click();
    await phone.page.getByText('Password changed.').waitFor();
    await phone.page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await phone.page.waitForURL('**/signin');
    await phone.page.getByLabel('Email').fill(MEMBER.email);
    await phone.page.getByLabel('Password').fill(`${PASSWORD} 2`);
    await phone.page.getByRole('button', { name: 'Sign in' }).click();
    await phone.page.waitForURL('**/tasks');

    // Keyboard: the first Tab reaches the skip link, which moves focus to the page.
    await phone.page.getByRole('heading', { name: 'Tasks', level: 1 }).waitFor();
    await phone.page.keyboard.press('Tab');
    expect(await phone.page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await phone.page.keyboard.press('Enter');
    expect(await phone.page.evaluate(() => document.activeElement?.id)).toBe('main');
    // Done with this browser: the role change below ends the member's sessions.
    pages.splice(pages.indexOf(phone), 1);
    await phone.context.close();
  });

  it('lets the admin give the member a role', { timeout: 30_000 }, async () => {
    await a.page.goto('/admin/users');
    const moderator = a.page.getByRole('checkbox', { name: `moderator role for ${MEMBER.email}` });
    await moderator.click();
    await expect.poll(() => moderator.isChecked()).toBe(true);
    await a.page.reload();
    await expect.poll(() => moderator.isChecked(), { timeout: 10_000 }).toBe(true);
  });
});

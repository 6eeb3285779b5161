// Brute-force protection: temporary lockouts per (email, IP) and per IP, with 429 + Retry-After.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendKinds, startTestPlatform, type TestPlatform } from '../../../test-support/platform.ts';
import { Api, PASSWORD, registerAndLogin, uniqueEmail } from './client.js';

describe.each(backendKinds())('sign-in lockouts (%s backends)', (kind) => {
  let platform: TestPlatform;
  let api: Api;

  beforeAll(async () => {
    platform = await startTestPlatform({
      kind,
      targets: ['auth', 'gateway'],
      env: {
        ELWOSA_LOGIN_MAX_FAILURES: '3',
        ELWOSA_LOGIN_MAX_FAILURES_PER_IP: '8',
        ELWOSA_LOGIN_LOCK_SECONDS: '2',
        ELWOSA_RATE_LIMIT_PER_MINUTE: '100000',
      },
    });
    api = new Api(platform.url);
  });
  afterAll(async () => {
    await platform?.stop();
  });

  const attempt = (email: string, password: string) => api.post('/api/auth/login', { email, password });

  it('locks an account from one IP after repeated failures, with Retry-After, and the lock expires', async () => {
    const t = await registerAndLogin(api);
    const email = t.user.email;
    for (let i = 0; i < 3; i++) expect((await attempt(email, 'wrong password!')).status).toBe(401);
    const locked = await attempt(email, PASSWORD);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    await new Promise((r) => setTimeout(r, 2100));
    expect((await attempt(email, PASSWORD)).status).toBe(200);
  });

  it('a success resets the count', async () => {
    const t = await registerAndLogin(api);
    const email = t.user.email;
    for (let i = 0; i < 2; i++) expect((await attempt(email, 'wrong password!')).status).toBe(401);
    expect((await attempt(email, PASSWORD)).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await attempt(email, 'wrong password!')).status).toBe(401);
    expect((await attempt(email, PASSWORD)).status).toBe(200);
  });

  it('locks an IP that rotates through usernames', async () => {
    await new Promise((r) => setTimeout(r, 2100));
    const t = await registerAndLogin(api);
    for (let i = 0; i < 8; i++) expect((await attempt(uniqueEmail('spray'), 'guess guess')).status).toBe(401);
    const locked = await attempt(t.user.email, PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).not.toBeNull();
  });
});

// JWT attacks, revocation and identity headers at the gateway (SERVICES-NOTES (c), JWT section).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeToken,
  hs256WithPublicKey,
  unsignedToken,
  withPayload,
} from '../../../../test-support/tokens.ts';
import type { RecordedRequest } from '../support/fake-upstream.js';
import { type Harness, startHarness } from '../support/harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${h.url}${path}`, { headers });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function expectUnauthorized(res: Response): Promise<void> {
  expect(res.status).toBe(401);
  expect(res.headers.get('www-authenticate')).toBe('Bearer');
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  const body = (await res.json()) as { status: number };
  expect(body.status).toBe(401);
}

describe('access tokens at the gateway', () => {
  it('passes a valid token and forwards the trusted identity', async () => {
    const { token, userId, sessionId } = await h.login({ roles: ['user', 'moderator'] });
    const before = h.auth.requests.length;
    const res = await get('/api/auth/me', bearer(token));
    expect(res.status).toBe(200);
    const seen = (await res.json()) as RecordedRequest;
    expect(h.auth.requests.length).toBe(before + 1);
    expect(seen.url).toBe('/api/auth/me');
    expect(seen.headers['x-elwosa-user-id']).toBe(userId);
    expect(seen.headers['x-elwosa-session-id']).toBe(sessionId);
    expect(seen.headers['x-elwosa-roles']).toBe('user,moderator');
    expect(seen.headers.authorization).toBe(`Bearer ${token}`);
  });

  it('without Authorization → 401 problem+json with WWW-Authenticate: Bearer, upstream not called', async () => {
    const before = h.tasks.requests.length;
    await expectUnauthorized(await get('/api/tasks'));
    expect(h.tasks.requests.length).toBe(before);
  });

  it('unknown paths under a routed prefix need a token too (fail closed)', async () => {
    await expectUnauthorized(await get('/api/tasks/some/unknown/path'));
    await expectUnauthorized(await get('/api/auth/not-declared'));
    await expectUnauthorized(await fetch(`${h.url}/api/auth/me`, { method: 'POST' }));
  });

  it('public operations pass without a token', async () => {
    const res = await fetch(`${h.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"email":"a@b.c","password":"x"}',
    });
    expect(res.status).toBe(200);
    const seen = (await res.json()) as RecordedRequest;
    expect(seen.body).toBe('{"email":"a@b.c","password":"x"}');
    expect(seen.headers['x-elwosa-user-id']).toBeUndefined();
    expect((await get('/.well-known/jwks.json')).status).toBe(200);
  });

  it('rejects alg:none', async () => {
    const { token } = await h.login();
    await expectUnauthorized(await get('/api/auth/me', bearer(unsignedToken(decodeToken(token).payload))));
  });

  it('rejects HS256 signed with the public key (algorithm confusion)', async () => {
    const { token } = await h.login();
    const forged = await hs256WithPublicKey(h.tokens.publicKeyPem, decodeToken(token).payload);
    await expectUnauthorized(await get('/api/auth/me', bearer(forged)));
  });

  it('rejects a tampered payload with the old signature', async () => {
    const { token } = await h.login();
    const payload = decodeToken(token).payload;
    await expectUnauthorized(
      await get('/api/auth/me', bearer(withPayload(token, { ...payload, roles: ['admin'] }))),
    );
    await expectUnauthorized(
      await get('/api/auth/me', bearer(withPayload(token, { ...payload, sub: randomUUID() }))),
    );
  });

  it('rejects expired tokens and tokens not valid yet', async () => {
    await expectUnauthorized(await get('/api/auth/me', bearer((await h.login({ expiresIn: -60 })).token)));
    await expectUnauthorized(await get('/api/auth/me', bearer((await h.login({ notBefore: 120 })).token)));
  });

  it('rejects wrong aud, iss and typ', async () => {
    await expectUnauthorized(
      await get('/api/auth/me', bearer((await h.login({ aud: 'someone-else' })).token)),
    );
    await expectUnauthorized(await get('/api/auth/me', bearer((await h.login({ iss: 'evil' })).token)));
    await expectUnauthorized(
      await get('/api/auth/me', bearer((await h.login({ typ: 'refresh+jwt' })).token)),
    );
    await expectUnauthorized(await get('/api/auth/me', bearer((await h.login({ typ: 'JWT' })).token)));
  });

  it('rejects an unknown kid without crashing', async () => {
    await expectUnauthorized(
      await get('/api/auth/me', bearer((await h.login({ kid: 'unknown-key' })).token)),
    );
    expect((await get('/healthz')).status).toBe(200);
  });

  it.each([
    ['abc', 'abc'],
    ['2 segments', 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0'],
    ['4 segments', 'a.b.c.d'],
    ['bad base64url', '!!!.???.***'],
    ['bad base64url (valid charset)', 'e30.e30.@@'],
    [
      '10 KB header',
      `${Buffer.from(JSON.stringify({ alg: 'EdDSA', pad: 'x'.repeat(10_240) })).toString('base64url')}.e30.sig`,
    ],
  ])('rejects a malformed token: %s', async (_name, token) => {
    await expectUnauthorized(await get('/api/auth/me', bearer(token)));
  });

  it('rejects other schemes', async () => {
    const { token } = await h.login();
    await expectUnauthorized(await get('/api/auth/me', { authorization: `Basic ${token}` }));
    await expectUnauthorized(await get('/api/auth/me', { authorization: token }));
  });

  it('revoked session (cache key gone, auth lookup 404) → 401; a live one found at auth → 200', async () => {
    const sub = randomUUID();
    const sid = randomUUID();
    const token = await h.tokens.sign({ sub, sid });
    await expectUnauthorized(await get('/api/auth/me', bearer(token)));
    h.auth.sessions.set(sid, sub);
    expect((await get('/api/auth/me', bearer(token))).status).toBe(200);
  });

  it('a session that belongs to another user → 401', async () => {
    const sid = randomUUID();
    await h.cache.set(`auth:session:${sid}`, 'someone-else');
    await expectUnauthorized(await get('/api/auth/me', bearer(await h.tokens.sign({ sid }))));
  });

  it('logout takes effect on the next request', async () => {
    const { token, sessionId } = await h.login();
    expect((await get('/api/tasks', bearer(token))).status).toBe(200);
    await h.cache.del(`auth:session:${sessionId}`);
    await expectUnauthorized(await get('/api/tasks', bearer(token)));
  });
});

describe('identity headers', () => {
  it('client-sent identity headers never reach the upstream; the trusted values do', async () => {
    const { token, userId } = await h.login();
    const res = await get('/api/tasks/1', {
      ...bearer(token),
      'x-user-id': 'admin',
      'x-user-roles': 'admin',
      'x-elwosa-user-id': 'admin',
      'x-elwosa-roles': 'admin',
      'x-forwarded-user': 'admin',
      'x-forwarded-for': '6.6.6.6',
    });
    expect(res.status).toBe(200);
    const seen = (await res.json()) as RecordedRequest;
    expect(seen.headers['x-user-id']).toBeUndefined();
    expect(seen.headers['x-user-roles']).toBeUndefined();
    expect(seen.headers['x-forwarded-user']).toBeUndefined();
    expect(seen.headers['x-elwosa-user-id']).toBe(userId);
    expect(seen.headers['x-elwosa-roles']).toBe('user');
    expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1');
  });

  it('public routes carry no identity, even a spoofed one', async () => {
    const res = await fetch(`${h.url}/api/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-elwosa-user-id': 'admin', 'x-user-id': 'admin' },
      body: '{}',
    });
    const seen = (await res.json()) as RecordedRequest;
    expect(seen.headers['x-elwosa-user-id']).toBeUndefined();
    expect(seen.headers['x-user-id']).toBeUndefined();
  });

  it('propagates the request id and the trace context, and sets X-Forwarded-*', async () => {
    const { token } = await h.login();
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const res = await get('/api/tasks?x=1', {
      ...bearer(token),
      'x-request-id': 'client-request-0001',
      traceparent: `00-${traceId}-b7ad6b7169203331-01`,
    });
    const seen = (await res.json()) as RecordedRequest;
    expect(res.headers.get('x-request-id')).toBe('client-request-0001');
    expect(seen.url).toBe('/api/tasks?x=1');
    expect(seen.headers['x-request-id']).toBe('client-request-0001');
    expect(seen.headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    expect(seen.headers.traceparent).not.toContain('b7ad6b7169203331');
    expect(seen.headers['x-forwarded-proto']).toBe('http');
    expect(seen.headers['x-forwarded-host']).toBe(new URL(h.url).host);
  });
});

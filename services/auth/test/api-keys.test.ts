// Personal API keys through the gateway: shown once, stored hashed, accepted only on routes
// that allow them, acting with the owner's current roles, revoked on the next request.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendKinds, startTestPlatform, type TestPlatform } from '../../../test-support/platform.ts';
import { Api, registerAndLogin, type Tokens } from './client.js';

describe.each(backendKinds())('API keys (%s backends)', (kind) => {
  let platform: TestPlatform;
  let api: Api;
  let admin: Tokens;

  beforeAll(async () => {
    platform = await startTestPlatform({
      kind,
      targets: ['auth', 'gateway'],
      env: { ELWOSA_RATE_LIMIT_PER_MINUTE: '100000' },
    });
    api = new Api(platform.url);
    admin = await registerAndLogin(api);
  });
  afterAll(async () => {
    await platform?.stop();
  });

  async function newKey(t: Tokens, name = 'script'): Promise<{ id: string; key: string; prefix: string }> {
    const res = await api.post<{ id: string; key: string; prefix: string }>(
      '/api/auth/api-keys',
      { name },
      t.accessToken,
    );
    expect(res.status).toBe(201);
    return res.body;
  }

  it('creates a key shown once, stored only as a hash, listed without the secret', async () => {
    const t = await registerAndLogin(api);
    const created = await newKey(t);
    expect(created.key).toMatch(/^elw_[A-Za-z0-9_-]{43}$/);
    expect(created.key.startsWith(created.prefix)).toBe(true);
    const list = await api.get<{ items: Array<Record<string, unknown>> }>(
      '/api/auth/api-keys',
      t.accessToken,
    );
    expect(list.body.items).toHaveLength(1);
    expect(JSON.stringify(list.body)).not.toContain(created.key);
    const client = new pg.Client({ connectionString: platform.deps.databaseUrl });
    await client.connect();
    try {
      const rows = await client.query<{ key_hash: string }>(
        'SELECT key_hash FROM auth.api_keys WHERE id = $1',
        [created.id],
      );
      expect(rows.rows[0]!.key_hash).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      await client.end();
    }
  });

  it('authenticates routes that allow keys, and only those', async () => {
    const t = await registerAndLogin(api);
    const { key } = await newKey(t);
    const me = await api.get<{ id: string }>('/api/auth/me', key);
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(t.user.id);
    expect((await api.get('/api/auth/sessions', key)).status).toBe(401);
    expect((await api.post('/api/auth/api-keys', { name: 'more' }, key)).status).toBe(401);
    expect((await api.get('/api/auth/me', 'elw_not-a-real-key')).status).toBe(401);
  });

  it('revocation takes effect on the next request; another user cannot revoke it', async () => {
    const t = await registerAndLogin(api);
    const created = await newKey(t);
    expect((await api.get('/api/auth/me', created.key)).status).toBe(200);
    const stranger = await registerAndLogin(api);
    expect(
      (await api.call('DELETE', `/api/auth/api-keys/${created.id}`, { token: stranger.accessToken })).status,
    ).toBe(404);
    expect(
      (await api.call('DELETE', `/api/auth/api-keys/${created.id}`, { token: t.accessToken })).status,
    ).toBe(204);
    expect((await api.get('/api/auth/me', created.key)).status).toBe(401);
  });

  it('acts with the owner’s current roles and dies with a disabled owner', async () => {
    const t = await registerAndLogin(api);
    const { key } = await newKey(t);
    expect((await api.get<{ roles: string[] }>('/api/auth/me', key)).body.roles).toEqual(['user']);
    await api.call('PUT', `/api/auth/users/${t.user.id}/roles`, {
      body: { roles: ['moderator'] },
      token: admin.accessToken,
    });
    expect((await api.get<{ roles: string[] }>('/api/auth/me', key)).body.roles).toEqual([
      'moderator',
      'user',
    ]);
    await api.post(`/api/auth/users/${t.user.id}/disable`, undefined, admin.accessToken);
    expect((await api.get('/api/auth/me', key)).status).toBe(401);
  });
});

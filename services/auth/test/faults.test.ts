// Faults with the real backends: Redis taken away (through a proxy, the shared server keeps
// running), PostgreSQL connections killed, an audit insert PostgreSQL refuses. Requests that need
// them get 503 problem+json, authenticated requests fail closed, nothing crashes or is half
// written, and service resumes by itself.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveRealPg, haveRealRedis, TEST_REDIS_URL } from '../../../test-support/backends.ts';
import { terminateConnections } from '../../../test-support/db.ts';
import { startTestPlatform, type TestPlatform } from '../../../test-support/platform.ts';
import { TcpProxy } from '../../../test-support/tcp-proxy.ts';
import { waitFor } from '../../../test-support/wait.ts';
import { Api, PASSWORD, registerAndLogin, type Tokens } from './client.js';

// These faults need the real servers; CI (ELWOSA_REQUIRE_REAL_BACKENDS=1) always has them.
describe.runIf(haveRealPg() && haveRealRedis())('faults with real PostgreSQL and Redis', () => {
  let platform: TestPlatform;
  let proxy: TcpProxy;
  let api: Api;
  let user: Tokens;

  beforeAll(async () => {
    const target = new URL(TEST_REDIS_URL);
    proxy = await new TcpProxy({ host: target.hostname, port: Number(target.port) }).start();
    platform = await startTestPlatform({ kind: 'real', targets: ['auth', 'gateway'], redisUrl: proxy.url });
    api = new Api(platform.url);
    user = await registerAndLogin(api);
  });
  afterAll(async () => {
    await platform?.stop();
    await proxy?.close();
  });

  /** `path` answers 200 again and auth is ready again, without a restart. */
  const recovered = async (path: string) => {
    await waitFor(
      async () => (await api.get(path, user.accessToken)).status === 200,
      `${path} to answer`,
      15_000,
    );
    await waitFor(
      async () => (await fetch(`${platform.urlOf('auth')}/readyz`)).status === 200,
      'auth to be ready',
      15_000,
    );
  };

  it('answers 503 while Redis is away (fail closed), then recovers without a restart', async () => {
    await proxy.cut();
    const me = await api.get('/api/auth/me', user.accessToken);
    expect(me.status).toBe(503);
    expect(me.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(me.body.status).toBe(503);
    const login = await api.post('/api/auth/login', { email: user.user.email, password: 'whatever it is' });
    expect(login.status).toBe(503);
    expect((await fetch(`${platform.urlOf('auth')}/readyz`)).status).toBe(503);
    expect((await fetch(`${platform.urlOf('gateway')}/readyz`)).status).toBe(503);

    await proxy.restore();
    await recovered('/api/auth/me');
  });

  it('a password change whose audit entry cannot be written changes nothing', async () => {
    const admin = new pg.Client({ connectionString: platform.deps.databaseUrl });
    await admin.connect();
    const other = (await api.post<Tokens>('/api/auth/login', { email: user.user.email, password: PASSWORD }))
      .body;
    const change = () =>
      api.post(
        '/api/auth/me/password',
        { currentPassword: PASSWORD, newPassword: 'a brand new password' },
        user.accessToken,
      );
    try {
      await admin.query(`
        CREATE FUNCTION auth.refuse_password_audit() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.event = 'password.changed' THEN RAISE EXCEPTION 'audit refused (test)'; END IF;
          RETURN NEW;
        END $$;
        CREATE TRIGGER refuse_password_audit BEFORE INSERT ON auth.audit_log
          FOR EACH ROW EXECUTE FUNCTION auth.refuse_password_audit();`);
      const refused = await change();
      expect(refused.status).toBe(500);
      expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
      // Neither the new password nor the end of the other session was committed.
      expect((await api.get('/api/auth/me', other.accessToken)).status).toBe(200);
      expect((await api.post('/api/auth/login', { email: user.user.email, password: PASSWORD })).status).toBe(
        200,
      );
      const audited = await admin.query(
        `SELECT count(*)::int AS n FROM auth.audit_log WHERE user_id = $1 AND event = 'password.changed'`,
        [user.user.id],
      );
      expect(audited.rows[0].n).toBe(0);
    } finally {
      await admin.query('DROP TRIGGER IF EXISTS refuse_password_audit ON auth.audit_log');
      await admin.query('DROP FUNCTION IF EXISTS auth.refuse_password_audit()');
      await admin.end();
    }
    expect((await change()).status).toBe(204);
    expect((await api.get('/api/auth/me', other.accessToken)).status).toBe(401);
  });

  it('survives killed PostgreSQL connections: 503 at worst, never 500, then recovers', async () => {
    expect(await terminateConnections(platform.deps.databaseUrl!)).toBeGreaterThan(0);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await api.get('/api/auth/sessions', user.accessToken)).status);
    expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
    await recovered('/api/auth/sessions');
  });
});

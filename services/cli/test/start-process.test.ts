// `elwosa start --target all` as a real child process on an empty data dir: register, sign in,
// restart, sign in again (data and signing key survive); SIGTERM exits cleanly; bad config
// exits with code 2 naming the variable. (Linux with glibc, as in CI: it checks /proc.)
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnElwosa, startPlatformProcess } from '../../../test-support/platform-process.ts';
import { Api, PASSWORD, registerAndLogin, type Tokens } from '../../auth/test/client.js';

let dataDir: string;
let env: Record<string, string>;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'elwosa-start-'));
  env = { ELWOSA_DATA_DIR: dataDir, LOG_LEVEL: 'warn', ELWOSA_SHUTDOWN_GRACE_MS: '8000' };
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('elwosa start --target all (child process, embedded backends)', () => {
  it('keeps accounts and the signing key across a restart, and exits cleanly on SIGTERM', async () => {
    const first = await startPlatformProcess(env);
    let tokens: Tokens;
    try {
      // It replaced itself (same pid) with glibc's malloc setting in its environment (src/allocator.ts).
      const environ = await readFile(`/proc/${first.child.pid}/environ`, 'utf8');
      expect(environ.split('\0')).toContain('MALLOC_MMAP_THRESHOLD_=131072');
      const api = new Api(first.gatewayUrl);
      tokens = await registerAndLogin(api, 'restart@example.com');
      expect((await api.get('/api/auth/me', tokens.accessToken)).status).toBe(200);
    } finally {
      await first.stop();
    }
    expect(await first.exited()).toBe(0);
    const keyFile = await stat(path.join(dataDir, 'jwt', 'private.pem'));
    expect(keyFile.mode & 0o777).toBe(0o600);

    const second = await startPlatformProcess(env);
    try {
      const api = new Api(second.gatewayUrl);
      // The access token minted before the restart still verifies: same key, session in the database.
      expect((await api.get('/api/auth/me', tokens.accessToken)).status).toBe(200);
      const login = await api.post('/api/auth/login', { email: 'restart@example.com', password: PASSWORD });
      expect(login.status).toBe(200);
    } finally {
      await second.stop();
    }
    expect(await second.exited()).toBe(0);
  }, 300_000);

  it('stops with exit code 2 and one line naming a bad variable', async () => {
    const child = spawnElwosa(['start', '--target', 'all'], { ...env, ELWOSA_DB_POOL_SIZE: 'lots' });
    expect(await child.exited()).toBe(2);
    expect(child.output().trim().split('\n')).toHaveLength(1);
    expect(child.output()).toContain('ELWOSA_DB_POOL_SIZE');
  });

  it('refuses an unknown target with exit code 2', async () => {
    const child = spawnElwosa(['start', '--target', 'nonsense'], env);
    expect(await child.exited()).toBe(2);
    expect(child.output()).toContain('nonsense');
  });
});

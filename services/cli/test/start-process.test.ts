// `elwosa start --target all` as a real child process on an empty data dir: register, sign in,
// restart, sign in again (data and signing key survive); SIGTERM exits cleanly; bad config
// exits with code 2 naming the variable.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test-support/ports.ts';
import { Api, PASSWORD, registerAndLogin, type Tokens } from '../../auth/test/client.js';

const BIN = path.resolve(import.meta.dirname, '../bin/elwosa.js');
const TARGET_PORT_VARS = [
  'GATEWAY',
  'AUTH',
  'CHAT',
  'TASKS',
  'AI_BRIDGE',
  'NOTIFICATIONS',
  'MEMORY',
  'ANALYTICS',
];

let dataDir: string;
let env: Record<string, string>;
let gatewayUrl: string;

async function portEnv(): Promise<Record<string, string>> {
  const vars: Record<string, string> = {};
  for (const name of TARGET_PORT_VARS) vars[`ELWOSA_PORT_${name}`] = String(await freePort());
  return vars;
}

function run(args: string[], extraEnv: Record<string, string> = {}): ChildProcess {
  const { DATABASE_URL: _d, REDIS_URL: _r, ...inherited } = process.env;
  return spawn(process.execPath, [BIN, ...args], {
    env: { ...inherited, ...env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function waitReady(url: string, child: ChildProcess, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited early with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/readyz`)).status === 200) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('not ready in time');
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'elwosa-start-'));
  env = {
    ELWOSA_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    ELWOSA_SHUTDOWN_GRACE_MS: '8000',
    ...(await portEnv()),
  };
  gatewayUrl = `http://127.0.0.1:${env.ELWOSA_PORT_GATEWAY}`;
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('elwosa start --target all (child process, embedded backends)', () => {
  it('keeps accounts and the signing key across a restart, and exits cleanly on SIGTERM', async () => {
    const first = run(['start', '--target', 'all']);
    let tokens: Tokens;
    try {
      await waitReady(gatewayUrl, first);
      const api = new Api(gatewayUrl);
      tokens = await registerAndLogin(api, 'restart@example.com');
      expect((await api.get('/api/auth/me', tokens.accessToken)).status).toBe(200);
    } finally {
      first.kill('SIGTERM');
    }
    expect(await exitOf(first)).toBe(0);
    const keyFile = await stat(path.join(dataDir, 'jwt', 'private.pem'));
    expect(keyFile.mode & 0o777).toBe(0o600);

    const second = run(['start', '--target', 'all']);
    try {
      await waitReady(gatewayUrl, second);
      const api = new Api(gatewayUrl);
      // The access token minted before the restart still verifies: same key, session in the database.
      expect((await api.get('/api/auth/me', tokens.accessToken)).status).toBe(200);
      const login = await api.post('/api/auth/login', { email: 'restart@example.com', password: PASSWORD });
      expect(login.status).toBe(200);
    } finally {
      second.kill('SIGTERM');
    }
    expect(await exitOf(second)).toBe(0);
  }, 120_000);

  it('stops with exit code 2 and one line naming a bad variable', async () => {
    const child = run(['start', '--target', 'all'], { ELWOSA_DB_POOL_SIZE: 'lots' });
    let stderr = '';
    child.stderr!.on('data', (d) => {
      stderr += String(d);
    });
    expect(await exitOf(child)).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain('ELWOSA_DB_POOL_SIZE');
  });

  it('refuses an unknown target with exit code 2', async () => {
    const child = run(['start', '--target', 'nonsense']);
    let stderr = '';
    child.stderr!.on('data', (d) => {
      stderr += String(d);
    });
    expect(await exitOf(child)).toBe(2);
    expect(stderr).toContain('nonsense');
  });
});

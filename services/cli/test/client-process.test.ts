// The client commands as real child processes against `elwosa start --target all` (embedded
// backends, free ports): login (with and without MFA), tasks add/list/done/rm, automatic token
// refresh, logout, and one-line errors with non-zero exit codes.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ELWOSA_BIN,
  isolatedEnv,
  type RunningPlatformProcess,
  startPlatformProcess,
} from '../../../test-support/platform-process.ts';
import { totpCode } from '../../auth/src/crypto/totp.js';
import { Api, PASSWORD, registerAndLogin } from '../../auth/test/client.js';

let dataDir: string;
let configHome: string;
let platform: RunningPlatformProcess | undefined;
let gatewayUrl: string;
const EMAIL = 'cli-user@example.com';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], options: { stdin?: string; env?: Record<string, string> } = {}): Promise<Run> {
  const child = spawn(process.execPath, [ELWOSA_BIN, ...args], {
    env: { ...isolatedEnv(), ELWOSA_URL: gatewayUrl, XDG_CONFIG_HOME: configHome, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += String(d);
  });
  child.stderr.on('data', (d) => {
    stderr += String(d);
  });
  child.stdin.end(options.stdin ?? '');
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

const credentialsFile = () => path.join(configHome, 'elwosa', 'credentials.json');
const storedSession = async () =>
  (
    JSON.parse(await readFile(credentialsFile(), 'utf8')) as {
      sessions: Record<string, Record<string, unknown>>;
    }
  ).sessions[gatewayUrl];

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'elwosa-cli-platform-'));
  configHome = await mkdtemp(path.join(tmpdir(), 'elwosa-cli-config-'));
  platform = await startPlatformProcess({
    ELWOSA_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    ELWOSA_RATE_LIMIT_PER_MINUTE: '10000',
  });
  gatewayUrl = platform.gatewayUrl;
  const reg = await new Api(gatewayUrl).post('/api/auth/register', {
    email: EMAIL,
    password: PASSWORD,
    name: 'CLI',
  });
  expect(reg.status).toBe(202);
}, 200_000);

afterAll(async () => {
  await platform?.stop();
  await rm(dataDir, { recursive: true, force: true });
  await rm(configHome, { recursive: true, force: true });
});

const expectOneLineError = (run: Run, code: number, pattern: RegExp) => {
  expect(run.code).toBe(code);
  expect(run.stdout).toBe('');
  expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(run.stderr).toMatch(/^elwosa: /);
  expect(run.stderr).toMatch(pattern);
};

describe('elwosa client commands (child processes against an all-in-one platform)', () => {
  it('refuses to work before login and on a wrong password, with one line and exit 1', async () => {
    expectOneLineError(await cli(['tasks', 'list']), 1, /not signed in/);
    expectOneLineError(
      await cli(['login', '--email', EMAIL, '--password-stdin'], { stdin: 'wrong password!\n' }),
      1,
      /HTTP 401/,
    );
    expectOneLineError(await cli(['login', '--email', EMAIL]), 1, /stdin is not a terminal/);
    expectOneLineError(await cli(['tasks', 'list', '--bogus']), 2, /bogus/);
    expectOneLineError(await cli(['tasks', 'list', '--url', 'http://127.0.0.1:9']), 1, /not signed in/);
  });

  it('logs in with --password-stdin and keeps the tokens in a 0600 file', async () => {
    const run = await cli(['login', '--email', EMAIL, '--password-stdin'], { stdin: `${PASSWORD}\n` });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`signed in to ${gatewayUrl} as ${EMAIL}\n`);
    expect((await stat(credentialsFile())).mode & 0o777).toBe(0o600);
    expect(await storedSession()).toMatchObject({
      email: EMAIL,
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
    });
  });

  it('adds, lists, searches, completes and removes tasks', async () => {
    const added = await cli([
      'tasks',
      'add',
      'Buy',
      'oat',
      'milk',
      '--tag',
      'home',
      '--step',
      'go to the shop',
      '-p',
      'high',
      '--json',
    ]);
    expect(added.code).toBe(0);
    const milk = JSON.parse(added.stdout) as { id: string; title: string; tags: string[]; steps: unknown[] };
    expect(milk).toMatchObject({ title: 'Buy oat milk', tags: ['home'], priority: 'high' });
    expect(milk.steps).toHaveLength(1);
    const plain = await cli(['tasks', 'add', 'Call the plumber']);
    expect(plain.code).toBe(0);
    const plumberId = /^added ([0-9a-f-]{36}) {2}Call the plumber\n$/.exec(plain.stdout)?.[1];
    expect(plumberId).toBeDefined();

    const table = await cli(['tasks', 'list']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^ID\s+STATUS\s+PRIORITY/);
    expect(table.stdout).toContain('Buy oat milk  [home]');
    expect(table.stdout).toContain('0/1');
    const found = JSON.parse((await cli(['tasks', 'list', '--search', 'shop', '--json'])).stdout) as Array<{
      id: string;
    }>;
    expect(found.map((t) => t.id)).toEqual([milk.id]);

    const done = await cli(['tasks', 'done', milk.id]);
    expect(done.stdout).toBe('completed 1 task\n');
    const doneList = JSON.parse(
      (await cli(['tasks', 'list', '--status', 'done', '--json'])).stdout,
    ) as Array<{ id: string }>;
    expect(doneList.map((t) => t.id)).toEqual([milk.id]);

    expectOneLineError(await cli(['tasks', 'rm', '00000000-0000-4000-8000-000000000000']), 1, /HTTP 404/);
    expectOneLineError(await cli(['tasks', 'add', 'x', '--priority', 'extreme']), 1, /priority.*HTTP 400/);
    expect((await cli(['tasks', 'rm', milk.id, plumberId!])).stdout).toBe('deleted 2 tasks\n');
    expect(JSON.parse((await cli(['tasks', 'list', '--json'])).stdout)).toEqual([]);
  });

  it('refreshes an expired or rejected access token by itself and saves the rotated pair', async () => {
    const before = await storedSession();
    // Expired according to the file: refreshed before the request.
    const file = JSON.parse(await readFile(credentialsFile(), 'utf8'));
    file.sessions[gatewayUrl].accessExpiresAt = 0;
    await writeFile(credentialsFile(), JSON.stringify(file));
    expect((await cli(['tasks', 'list'])).code).toBe(0);
    const afterExpiry = await storedSession();
    expect(afterExpiry?.refreshToken).not.toBe(before?.refreshToken);
    // Rejected by the server (401): refreshed once and retried.
    file.sessions[gatewayUrl] = {
      ...afterExpiry,
      accessToken: 'not-a-token',
      accessExpiresAt: Date.now() + 600_000,
    };
    await writeFile(credentialsFile(), JSON.stringify(file));
    expect((await cli(['tasks', 'list'])).code).toBe(0);
    expect((await storedSession())?.accessToken).not.toBe('not-a-token');
  });

  it('logs out: the session ends on the server and the tokens are forgotten', async () => {
    const { refreshToken } = (await storedSession()) as { refreshToken: string };
    const run = await cli(['logout']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`signed out of ${gatewayUrl}\n`);
    expect(await storedSession()).toBeUndefined();
    expect((await new Api(gatewayUrl).post('/api/auth/refresh', { refreshToken })).status).toBe(401);
    expectOneLineError(await cli(['tasks', 'list']), 1, /not signed in/);
  });

  it('completes the MFA step with --code', async () => {
    const api = new Api(gatewayUrl);
    const email = 'cli-mfa@example.com';
    const tokens = await registerAndLogin(api, email);
    const enrol = await api.post<{ otpauthUri: string }>(
      '/api/auth/mfa/enrol',
      undefined,
      tokens.accessToken,
    );
    const secret = new URL(enrol.body.otpauthUri).searchParams.get('secret')!;
    const confirm = await api.post<{ backupCodes: string[] }>(
      '/api/auth/mfa/confirm',
      { code: totpCode(secret) },
      tokens.accessToken,
    );
    expect(confirm.status).toBe(200);
    const login = ['login', '--email', email, '--password-stdin', '--json'];
    expectOneLineError(await cli([...login, '--code', '000000'], { stdin: PASSWORD }), 1, /HTTP 401/);
    const run = await cli([...login, '--code', confirm.body.backupCodes[0]!], { stdin: PASSWORD });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ url: gatewayUrl, email });
    expect((await cli(['tasks', 'list', '--json'])).stdout).toBe('[]\n');
  });
});

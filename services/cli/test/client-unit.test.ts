// The pure parts of the client commands: argument parsing, request building, output
// formatting, error lines, and where and how the credentials are stored.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommand, UsageError } from '../src/args.js';
import { problemMessage, sessionFrom } from '../src/client/api-client.js';
import { createBody, DEFAULT_URL, listQuery, parseClientCommand } from '../src/client/args.js';
import { CredentialStore, configDir } from '../src/client/credentials.js';
import { oneLine, shortTime, taskTable } from '../src/client/format.js';

const ID = '0b8a3c1e-3f7a-4c55-9d51-8f0a4b2c6d7e';
const env = {};

describe('client command parsing', () => {
  it('routes client commands from the top-level parser', () => {
    expect(parseCommand(['tasks', 'list'])).toEqual({ name: 'client', argv: ['tasks', 'list'] });
    expect(parseCommand(['login', '--email', 'a@b.c'])).toEqual({
      name: 'client',
      argv: ['login', '--email', 'a@b.c'],
    });
    expect(parseCommand(['start', '--target', 'tasks'])).toEqual({ name: 'start', targets: 'tasks' });
  });

  it('takes the URL from --url, then ELWOSA_URL, then the default', () => {
    expect(parseClientCommand(['logout'], env).url).toBe(DEFAULT_URL);
    expect(parseClientCommand(['logout'], { ELWOSA_URL: 'https://elwosa.example/' }).url).toBe(
      'https://elwosa.example',
    );
    expect(parseClientCommand(['logout', '--url', 'http://h:1'], { ELWOSA_URL: 'http://x' }).url).toBe(
      'http://h:1',
    );
    expect(() => parseClientCommand(['logout', '--url', 'ftp://x'], env)).toThrow(UsageError);
    expect(() => parseClientCommand(['logout', '--url', 'not a url'], env)).toThrow(UsageError);
  });

  it('parses login', () => {
    expect(
      parseClientCommand(['login', '--email', 'a@b.c', '--password-stdin', '--code', '123456'], env),
    ).toEqual({
      name: 'login',
      url: DEFAULT_URL,
      json: false,
      email: 'a@b.c',
      passwordStdin: true,
      code: '123456',
    });
    expect(() => parseClientCommand(['login', '--password', 'x', '--password-stdin'], env)).toThrow(
      UsageError,
    );
    expect(() => parseClientCommand(['login', '--user', 'x'], env)).toThrow(/Unknown option/);
  });

  it('parses tasks list with filters', () => {
    const cmd = parseClientCommand(
      ['tasks', 'list', '--status', 'todo,blocked', '--overdue', '-q', 'milk', '--limit', '10', '--json'],
      env,
    );
    expect(cmd).toEqual({
      name: 'tasks.list',
      url: DEFAULT_URL,
      json: true,
      options: { status: 'todo,blocked', overdue: true, search: 'milk', limit: 10, all: false },
    });
    expect(() => parseClientCommand(['tasks', 'list', '--limit', '1000'], env)).toThrow(UsageError);
    expect(() => parseClientCommand(['tasks', 'list', 'extra'], env)).toThrow();
  });

  it('parses tasks add, done and rm', () => {
    const add = parseClientCommand(
      ['tasks', 'add', 'Buy', 'milk', '-p', 'high', '--tag', 'home', '--tag', 'shop', '--step', 'go'],
      env,
    );
    expect(add).toMatchObject({
      name: 'tasks.add',
      options: { title: 'Buy milk', priority: 'high', tags: ['home', 'shop'], steps: ['go'] },
    });
    expect(parseClientCommand(['tasks', 'done', ID], env)).toMatchObject({ name: 'tasks.done', ids: [ID] });
    expect(parseClientCommand(['tasks', 'rm', ID, ID.toUpperCase()], env)).toMatchObject({
      name: 'tasks.rm',
    });
    expect(() => parseClientCommand(['tasks', 'add'], env)).toThrow(/title/);
    expect(() => parseClientCommand(['tasks', 'done'], env)).toThrow(/task id/);
    expect(() => parseClientCommand(['tasks', 'rm', '42'], env)).toThrow(/not a task id/);
    expect(() => parseClientCommand(['tasks', 'fly'], env)).toThrow(/unknown tasks command/);
  });

  it('builds the list query and the create body', () => {
    expect(listQuery({ limit: 50, all: false, status: 'todo', search: 'a b&c', overdue: true }, 'CUR')).toBe(
      'limit=50&status=todo&overdue=true&q=a+b%26c&cursor=CUR',
    );
    expect(
      createBody({ title: 'T', tags: [], steps: ['one', 'two'], dueAt: '2030-01-01T00:00:00Z' }),
    ).toEqual({
      title: 'T',
      dueAt: '2030-01-01T00:00:00Z',
      steps: [{ title: 'one' }, { title: 'two' }],
    });
  });
});

describe('client output', () => {
  it('formats a task table with aligned columns', () => {
    const table = taskTable([
      {
        id: ID,
        title: 'Buy milk',
        status: 'todo',
        priority: 'high',
        dueAt: '2030-01-02T03:04:05.000Z',
        tags: ['home'],
        progress: { done: 1, total: 2 },
      },
      {
        id: ID,
        title: 'x',
        status: 'in_progress',
        priority: 'none',
        dueAt: null,
        tags: [],
        progress: { done: 0, total: 0 },
      },
    ]).split('\n');
    expect(table[0]).toMatch(/^ID\s+STATUS\s+PRIORITY\s+DUE\s+STEPS\s+TITLE$/);
    expect(table[1]).toContain('2030-01-02 03:04');
    expect(table[1]).toContain('1/2');
    expect(table[1]).toContain('Buy milk  [home]');
    expect(table[1]!.indexOf('high')).toBe(table[2]!.indexOf('none'));
    expect(taskTable([])).toBe('no tasks');
    expect(shortTime(null)).toBe('-');
  });

  it('strips control characters (no terminal escape injection) and keeps errors on one line', () => {
    expect(oneLine('evil\u001b[2Jtitle\nnext')).toBe('evil [2Jtitle next');
    expect(problemMessage(404, { title: 'Not Found', detail: 'no such\ntask' })).toBe(
      'no such task (HTTP 404)',
    );
    expect(problemMessage(502, undefined)).toBe('request failed (HTTP 502)');
  });

  it('computes when the access token needs a refresh', () => {
    const s = sessionFrom(
      { accessToken: 'a', refreshToken: 'r', expiresIn: 900, user: { email: 'e' } },
      1000,
    );
    expect(s).toEqual({ email: 'e', accessToken: 'a', refreshToken: 'r', accessExpiresAt: 901_000 });
  });
});

describe('credential store', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'elwosa-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lives in $XDG_CONFIG_HOME/elwosa or ~/.config/elwosa', () => {
    expect(configDir({ XDG_CONFIG_HOME: '/x/cfg' }, '/home/u')).toBe('/x/cfg/elwosa');
    expect(configDir({}, '/home/u')).toBe('/home/u/.config/elwosa');
    expect(configDir({ XDG_CONFIG_HOME: 'relative' }, '/home/u')).toBe('/home/u/.config/elwosa');
  });

  it('keeps one session per URL in a 0600 file inside a 0700 directory', async () => {
    const store = new CredentialStore(path.join(dir, 'elwosa'));
    const session = { email: 'e', accessToken: 'a', refreshToken: 'r', accessExpiresAt: 1 };
    await store.put('http://one', session);
    await store.put('http://two', { ...session, email: 'f' });
    expect((await stat(store.file)).mode & 0o777).toBe(0o600);
    expect((await stat(store.dir)).mode & 0o777).toBe(0o700);
    expect(await store.get('http://one')).toEqual(session);
    expect(await store.remove('http://one')).toBe(true);
    expect(await store.get('http://one')).toBeUndefined();
    expect((await store.get('http://two'))?.email).toBe('f');
    expect(JSON.parse(await readFile(store.file, 'utf8')).sessions).toHaveProperty('http://two');
  });
});

// The client commands: each talks to the gateway through the ApiClient and writes its result
// (a table, a line, or the API's JSON with --json).
import { randomUUID } from 'node:crypto';
import { ApiClient, ClientError, sessionFrom, type TokenPair } from './api-client.js';
import { type ClientCommand, createBody, listQuery } from './args.js';
import type { CredentialStore } from './credentials.js';
import { oneLine, plural, type TaskView, taskTable } from './format.js';
import type { Prompter } from './prompt.js';

export interface ClientIo {
  out(text: string): void;
  store: CredentialStore;
  prompter: Prompter;
}

type Of<N extends ClientCommand['name']> = Extract<ClientCommand, { name: N }>;
type LoginAnswer = TokenPair | { mfaRequired: true; challengeToken: string };

async function login(cmd: Of<'login'>, io: ClientIo): Promise<void> {
  const api = new ApiClient(cmd.url, io.store);
  const email = cmd.email ?? (await io.prompter.ask('Email: '));
  const password = cmd.passwordStdin
    ? await io.prompter.readStdin()
    : (cmd.password ?? (await io.prompter.askHidden('Password: ')));
  let answer = await api.send<LoginAnswer>('POST', '/api/auth/login', { email, password });
  if ('mfaRequired' in answer) {
    const code = cmd.code ?? (await io.prompter.askHidden('Authentication code (or a backup code): '));
    answer = await api.send<TokenPair>('POST', '/api/auth/login/mfa', {
      challengeToken: answer.challengeToken,
      code,
    });
  }
  const pair = answer as TokenPair;
  await io.store.put(cmd.url, sessionFrom(pair));
  io.out(
    cmd.json
      ? JSON.stringify({ url: cmd.url, email: pair.user.email })
      : `signed in to ${cmd.url} as ${oneLine(pair.user.email)}`,
  );
}

async function logout(cmd: Of<'logout'>, io: ClientIo): Promise<void> {
  const api = new ApiClient(cmd.url, io.store);
  if (!(await io.store.get(cmd.url))) throw new ClientError(`not signed in to ${cmd.url}`);
  try {
    await api.authed('POST', '/api/auth/logout');
  } finally {
    // The local tokens go in any case; an unreachable server cannot keep the user signed in here.
    await io.store.remove(cmd.url);
  }
  io.out(cmd.json ? JSON.stringify({ url: cmd.url, signedOut: true }) : `signed out of ${cmd.url}`);
}

async function list(cmd: Of<'tasks.list'>, io: ClientIo): Promise<void> {
  const api = new ApiClient(cmd.url, io.store);
  const tasks: TaskView[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.authed<{ items: TaskView[]; nextCursor: string | null }>(
      'GET',
      `/api/tasks?${listQuery(cmd.options, cursor)}`,
      undefined,
      {},
      { retryTransient: true },
    );
    tasks.push(...page.items);
    cursor = cmd.options.all ? (page.nextCursor ?? undefined) : undefined;
  } while (cursor);
  io.out(cmd.json ? JSON.stringify(tasks) : taskTable(tasks));
}

async function add(cmd: Of<'tasks.add'>, io: ClientIo): Promise<void> {
  const api = new ApiClient(cmd.url, io.store);
  // One key per invocation: when the first attempt fails in transit (it may have been created
  // all the same), the retry with the same key gets the first result instead of a duplicate.
  const task = await api.authed<TaskView>(
    'POST',
    '/api/tasks',
    createBody(cmd.options),
    { 'idempotency-key': randomUUID() },
    { retryTransient: true },
  );
  io.out(cmd.json ? JSON.stringify(task) : `added ${task.id}  ${oneLine(task.title)}`);
}

async function bulk(cmd: Of<'tasks.done'> | Of<'tasks.rm'>, io: ClientIo): Promise<void> {
  const api = new ApiClient(cmd.url, io.store);
  const op = cmd.name === 'tasks.done' ? 'complete' : 'delete';
  const answer = await api.authed<{ items?: TaskView[]; deleted?: unknown[] }>(
    'POST',
    `/api/tasks/bulk/${op}`,
    {
      ids: cmd.ids,
    },
  );
  if (cmd.json) io.out(JSON.stringify(answer.items ?? answer.deleted));
  else io.out(`${op === 'complete' ? 'completed' : 'deleted'} ${plural(cmd.ids.length, 'task')}`);
}

export async function runClientCommand(cmd: ClientCommand, io: ClientIo): Promise<void> {
  switch (cmd.name) {
    case 'login':
      return login(cmd, io);
    case 'logout':
      return logout(cmd, io);
    case 'tasks.list':
      return list(cmd, io);
    case 'tasks.add':
      return add(cmd, io);
    case 'tasks.done':
    case 'tasks.rm':
      return bulk(cmd, io);
  }
}

// Parsing of the client commands (`elwosa login|logout|tasks …`), pure: argv in, a typed
// command out, or a UsageError.
import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import { UsageError } from '../args.js';

export const DEFAULT_URL = 'http://localhost:8080';

export interface Common {
  /** Gateway base URL without a trailing slash. */
  url: string;
  json: boolean;
}

export interface ListOptions {
  status?: string;
  priority?: string;
  tag?: string;
  overdue?: boolean;
  search?: string;
  sort?: string;
  limit: number;
  all: boolean;
}

export interface AddOptions {
  title: string;
  description?: string;
  priority?: string;
  dueAt?: string;
  startAt?: string;
  tags: string[];
  steps: string[];
}

export type ClientCommand = Common &
  (
    | { name: 'login'; email?: string; password?: string; passwordStdin: boolean; code?: string }
    | { name: 'logout' }
    | { name: 'tasks.list'; options: ListOptions }
    | { name: 'tasks.add'; options: AddOptions }
    | { name: 'tasks.done'; ids: string[] }
    | { name: 'tasks.rm'; ids: string[] }
  );

export const CLIENT_USAGE = `client commands (talk to the gateway at --url, $ELWOSA_URL or ${DEFAULT_URL}):
  login [--email E] [--password P | --password-stdin] [--code C]   sign in (asks for what is missing)
  logout                                                           sign out and forget the tokens
  tasks list [--status S,…] [--priority P,…] [--tag T] [--overdue] [--search Q] [--sort F] [--limit N] [--all]
  tasks add <title…> [--description D] [--priority P] [--due ISO] [--start ISO] [--tag T]… [--step S]…
  tasks done <id>…                                                 mark tasks done
  tasks rm <id>…                                                   delete tasks
  every client command takes --url URL and --json (machine-readable output)`;

const common = {
  url: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function resolveUrl(flag: string | undefined, env: Record<string, string | undefined>): string {
  const raw = flag ?? env.ELWOSA_URL ?? DEFAULT_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--url: not a URL: ${raw}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError('--url must be http(s)');
  return url.toString().replace(/\/+$/, '');
}

function ids(positionals: string[]): string[] {
  if (positionals.length === 0) throw new UsageError('name at least one task id');
  if (positionals.length > 100) throw new UsageError('at most 100 task ids at a time');
  for (const id of positionals) if (!UUID.test(id)) throw new UsageError(`not a task id: ${id}`);
  return positionals;
}

function limitOf(value: string | undefined): number {
  if (value === undefined) return 50;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new UsageError('--limit must be 1–100');
  return n;
}

function parse<O extends ParseArgsOptionsConfig>(
  args: readonly string[],
  options: O,
  allowPositionals = false,
) {
  return parseArgs({ args: [...args], options: { ...common, ...options }, strict: true, allowPositionals });
}

export function parseClientCommand(
  argv: readonly string[],
  env: Record<string, string | undefined> = process.env,
): ClientCommand {
  const [name, sub, ...rest] = argv;
  const base = (v: { url?: string | boolean | undefined; json?: string | boolean | undefined }): Common => ({
    url: resolveUrl(v.url as string | undefined, env),
    json: v.json === true,
  });
  if (name === 'login') {
    const { values: v } = parse(argv.slice(1), {
      email: { type: 'string' },
      password: { type: 'string' },
      'password-stdin': { type: 'boolean', default: false },
      code: { type: 'string' },
    });
    if (v.password !== undefined && v['password-stdin']) {
      throw new UsageError('use either --password or --password-stdin');
    }
    return {
      name: 'login',
      ...base(v),
      passwordStdin: v['password-stdin'] === true,
      ...(v.email !== undefined ? { email: v.email } : {}),
      ...(v.password !== undefined ? { password: v.password } : {}),
      ...(v.code !== undefined ? { code: v.code } : {}),
    };
  }
  if (name === 'logout') return { name: 'logout', ...base(parse(argv.slice(1), {}).values) };
  if (name !== 'tasks') throw new UsageError(`unknown command "${name}"`);
  switch (sub) {
    case 'list':
    case 'ls': {
      const { values: v } = parse(rest, {
        status: { type: 'string' },
        priority: { type: 'string' },
        tag: { type: 'string' },
        overdue: { type: 'boolean', default: false },
        search: { type: 'string', short: 'q' },
        sort: { type: 'string' },
        limit: { type: 'string' },
        all: { type: 'boolean', default: false },
      });
      const options: ListOptions = { limit: limitOf(v.limit), all: v.all === true };
      if (v.status !== undefined) options.status = v.status;
      if (v.priority !== undefined) options.priority = v.priority;
      if (v.tag !== undefined) options.tag = v.tag;
      if (v.overdue) options.overdue = true;
      if (v.search !== undefined) options.search = v.search;
      if (v.sort !== undefined) options.sort = v.sort;
      return { name: 'tasks.list', ...base(v), options };
    }
    case 'add': {
      const { values: v, positionals } = parse(
        rest,
        {
          description: { type: 'string', short: 'd' },
          priority: { type: 'string', short: 'p' },
          due: { type: 'string' },
          start: { type: 'string' },
          tag: { type: 'string', short: 't', multiple: true },
          step: { type: 'string', short: 's', multiple: true },
        },
        true,
      );
      const title = positionals.join(' ').trim();
      if (!title) throw new UsageError('tasks add needs a title');
      const options: AddOptions = { title, tags: v.tag ?? [], steps: v.step ?? [] };
      if (v.description !== undefined) options.description = v.description;
      if (v.priority !== undefined) options.priority = v.priority;
      if (v.due !== undefined) options.dueAt = v.due;
      if (v.start !== undefined) options.startAt = v.start;
      return { name: 'tasks.add', ...base(v), options };
    }
    case 'done':
    case 'rm': {
      const { values: v, positionals } = parse(rest, {}, true);
      return { name: sub === 'done' ? 'tasks.done' : 'tasks.rm', ...base(v), ids: ids(positionals) };
    }
    default:
      throw new UsageError(
        sub ? `unknown tasks command "${sub}"` : 'tasks needs a command: list, add, done or rm',
      );
  }
}

/** The query string of a list request (pure). */
export function listQuery(options: ListOptions, cursor?: string): string {
  const q = new URLSearchParams();
  q.set('limit', String(options.limit));
  if (options.status) q.set('status', options.status);
  if (options.priority) q.set('priority', options.priority);
  if (options.tag) q.set('tag', options.tag);
  if (options.overdue) q.set('overdue', 'true');
  if (options.search) q.set('q', options.search);
  if (options.sort) q.set('sort', options.sort);
  if (cursor) q.set('cursor', cursor);
  return q.toString();
}

/** The create request body (pure); the server validates the values. */
export function createBody(options: AddOptions): Record<string, unknown> {
  return {
    title: options.title,
    ...(options.description !== undefined ? { description: options.description } : {}),
    ...(options.priority !== undefined ? { priority: options.priority } : {}),
    ...(options.dueAt !== undefined ? { dueAt: options.dueAt } : {}),
    ...(options.startAt !== undefined ? { startAt: options.startAt } : {}),
    ...(options.tags.length > 0 ? { tags: options.tags } : {}),
    ...(options.steps.length > 0 ? { steps: options.steps.map((title) => ({ title })) } : {}),
  };
}

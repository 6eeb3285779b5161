// Command-line parsing for `elwosa` (pure).
import { parseArgs } from 'node:util';

export type Command =
  | { name: 'start'; targets: string }
  | { name: 'migrate' }
  | { name: 'client'; argv: string[] }
  | { name: 'version' }
  | { name: 'help' };

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `usage: elwosa <command> [options]

commands:
  start --target all|<t1,t2,…>   start services (default target: $ELWOSA_TARGET or all)
  migrate                        apply every service's database migrations, then exit
  version                        print the version
  help                           this text
  login, logout, tasks …         client commands (below)`;

export function parseCommand(
  argv: readonly string[],
  env: Record<string, string | undefined> = process.env,
): Command {
  const [name, ...rest] = argv;
  switch (name) {
    case 'start': {
      const { values } = parseArgs({
        args: rest,
        options: { target: { type: 'string', short: 't' } },
        strict: true,
      });
      return { name: 'start', targets: values.target ?? env.ELWOSA_TARGET ?? 'all' };
    }
    case 'migrate':
      parseArgs({ args: rest, options: {}, strict: true });
      return { name: 'migrate' };
    case 'login':
    case 'logout':
    case 'tasks':
      // Client commands parse their own options (client/args.ts).
      return { name: 'client', argv: [...argv] };
    case 'version':
    case '--version':
      return { name: 'version' };
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      return { name: 'help' };
    default:
      throw new UsageError(`unknown command "${name}"`);
  }
}

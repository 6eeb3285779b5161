// Entry of the client commands: parse, run, and turn every failure into one line on stderr
// with a non-zero exit code (2 for usage errors, 1 otherwise).
import { UsageError } from '../args.js';
import { ClientError } from './api-client.js';
import { parseClientCommand } from './args.js';
import { runClientCommand } from './commands.js';
import { CredentialStore, configDir } from './credentials.js';
import { terminalPrompter } from './prompt.js';

export async function runClient(argv: readonly string[], env = process.env): Promise<number> {
  try {
    const command = parseClientCommand(argv, env);
    await runClientCommand(command, {
      out: (text) => process.stdout.write(`${text}\n`),
      store: new CredentialStore(configDir(env)),
      prompter: terminalPrompter,
    });
    return 0;
  } catch (err) {
    const usage =
      err instanceof UsageError ||
      (err instanceof Error && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'));
    const known = usage || err instanceof ClientError;
    const message =
      err instanceof Error && known
        ? err.message
        : `unexpected error: ${err instanceof Error ? err.message : String(err)}`;
    process.stderr.write(
      `elwosa: ${message.replace(/[\r\n]+/g, ' ')}${usage ? ' (see `elwosa help`)' : ''}\n`,
    );
    return usage ? 2 : 1;
  }
}

// The `elwosa` entry point.
import { readFileSync } from 'node:fs';
import { applyAllocatorSettings } from './allocator.js';
import { parseCommand, USAGE, UsageError } from './args.js';
import { CLIENT_USAGE } from './client/args.js';

const version = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

async function main(argv: string[]): Promise<void> {
  const command = parseCommand(argv);
  switch (command.name) {
    case 'start':
      applyAllocatorSettings();
      // Imported on demand: client commands never load the services.
      await (await import('./commands/start.js')).startCommand(command.targets);
      return;
    case 'migrate':
      await (await import('./commands/migrate.js')).migrateCommand();
      return;
    case 'version':
      console.log(version);
      return;
    case 'client':
      process.exitCode = await (await import('./client/index.js')).runClient(command.argv);
      return;
    case 'help':
      console.log(`${USAGE}\n\n${CLIENT_USAGE}`);
      return;
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (
    err instanceof UsageError ||
    (err instanceof Error && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))
  ) {
    console.error(`elwosa: ${err.message}\n\n${USAGE}`);
    process.exit(2);
  }
  console.error(`elwosa: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

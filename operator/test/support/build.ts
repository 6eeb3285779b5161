// Child-process tests run the built CLI (operator/dist): build it first (incremental, so this is
// quick when dist is fresh) so they never test stale output.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { repoPath } from './fixtures.js';

const run = promisify(execFile);

export async function buildOperator(): Promise<void> {
  await run(
    process.execPath,
    [repoPath('node_modules', 'typescript', 'bin', 'tsc'), '-b', repoPath('operator')],
    {
      cwd: repoPath(),
      timeout: 120_000,
    },
  );
}

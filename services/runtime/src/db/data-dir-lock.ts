// One owner per embedded data directory: PGlite does not lock its files, and two processes
// (say `elwosa start` and `elwosa migrate` with the same ELWOSA_DATA_DIR) would corrupt them.
// `<dataDir>/pg.lock` holds the owner's pid; a lock whose process is gone is taken over.
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

const heldHere = new Set<string>();

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock of `dataDir` or throws naming the process that holds it. Returns the release. */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const file = path.join(dataDir, 'pg.lock');
  if (heldHere.has(file)) throw new Error(`embedded database ${dataDir} is already open in this process`);
  heldHere.add(file);
  try {
    await writeFile(file, `${process.pid}\n`, { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
      heldHere.delete(file);
      throw err;
    }
    const owner = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && processAlive(owner)) {
      heldHere.delete(file);
      throw new Error(`embedded database ${dataDir} is in use by process ${owner} (${file})`);
    }
    await writeFile(file, `${process.pid}\n`);
  }
  return async () => {
    heldHere.delete(file);
    await rm(file, { force: true });
  };
}

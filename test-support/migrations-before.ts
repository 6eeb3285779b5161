// The migrations a previous version shipped: a copy of a service's migrations directory up to,
// not including, the one named `*_<name>`, for tests of what a migration does to the data the
// previous version left behind.
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PreviousMigrations {
  dir: string;
  remove(): Promise<void>;
}

export async function migrationsBefore(migrationsDir: string, name: string): Promise<PreviousMigrations> {
  const all = (await readdir(migrationsDir)).sort();
  const index = all.findIndex((entry) => entry.endsWith(`_${name}`));
  if (index < 0) throw new Error(`no migration *_${name} in ${migrationsDir}`);
  const dir = await mkdtemp(join(tmpdir(), 'elwosa-migrations-before-'));
  for (const entry of all.slice(0, index))
    await cp(join(migrationsDir, entry), join(dir, entry), { recursive: true });
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

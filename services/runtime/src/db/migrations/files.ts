// Migrations on disk in Prisma's folder format: <migrationsDir>/<timestamp>_<name>/migration.sql.
// Pure parts (name rules, ordering, checksum) are separate from the one function that reads files.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

export interface MigrationFile {
  /** Folder name, e.g. `20260101000000_init`: what `_prisma_migrations.migration_name` stores. */
  readonly name: string;
  readonly sql: string;
  /** sha256 hex of the file's bytes, as Prisma computes it. */
  readonly checksum: string;
}

/** Prisma's folder names: a numeric timestamp, an underscore, a name. */
const MIGRATION_DIR = /^\d{14,}_[A-Za-z0-9_-]+$/;

export const isMigrationDirName = (name: string): boolean => MIGRATION_DIR.test(name);

export function migrationChecksum(contents: string | Uint8Array): string {
  return createHash('sha256').update(contents).digest('hex');
}

/** Migrations apply in lexicographic order of their folder names, as Prisma does. */
export function sortMigrations<T extends { readonly name: string }>(migrations: readonly T[]): T[] {
  return [...migrations].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Reads every `<ts>_<name>/migration.sql` under `dir`, ordered. A missing dir means no migrations. */
export async function readMigrations(dir: string): Promise<MigrationFile[]> {
  let entries: { name: string; isDirectory(): boolean }[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const names = entries.filter((e) => e.isDirectory() && isMigrationDirName(e.name)).map((e) => e.name);
  const files = await Promise.all(
    names.map(async (name): Promise<MigrationFile> => {
      const bytes = await readFile(path.join(dir, name, 'migration.sql'));
      return { name, sql: bytes.toString('utf8'), checksum: migrationChecksum(bytes) };
    }),
  );
  return sortMigrations(files);
}

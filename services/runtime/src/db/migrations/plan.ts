// Compares the migrations on disk with the rows of `_prisma_migrations`: pure, no I/O.
import { MigrationError } from './errors.js';
import type { MigrationFile } from './files.js';
import { sortMigrations } from './files.js';

/** The columns of a `_prisma_migrations` row the plan needs. */
export interface AppliedMigrationRow {
  readonly migration_name: string;
  readonly checksum: string;
  readonly finished_at: Date | null;
  readonly rolled_back_at: Date | null;
}

export interface MigrationPlan {
  /** On disk, not applied yet, in apply order. */
  readonly pending: MigrationFile[];
  /** On disk and applied with the same checksum. */
  readonly applied: string[];
  /** Applied in the database but no longer on disk (e.g. an older image): reported, not an error. */
  readonly unknown: string[];
}

/**
 * Throws a MigrationError when an applied migration was edited (checksum differs) or when a
 * migration failed earlier and was never resolved (a row with neither finished_at nor
 * rolled_back_at, as `prisma migrate deploy` leaves it).
 */
export function planMigrations(
  onDisk: readonly MigrationFile[],
  rows: readonly AppliedMigrationRow[],
): MigrationPlan {
  const live = rows.filter((r) => r.rolled_back_at === null);
  const failed = live.find((r) => r.finished_at === null);
  if (failed) {
    throw new MigrationError(
      'PREVIOUSLY_FAILED',
      failed.migration_name,
      `migration ${failed.migration_name} failed earlier and is still marked as started; fix the database and delete or resolve its _prisma_migrations row`,
    );
  }
  const appliedByName = new Map(live.map((r) => [r.migration_name, r]));
  const pending: MigrationFile[] = [];
  const applied: string[] = [];
  for (const file of sortMigrations(onDisk)) {
    const row = appliedByName.get(file.name);
    if (!row) {
      pending.push(file);
      continue;
    }
    if (row.checksum !== file.checksum) {
      throw new MigrationError(
        'CHECKSUM_MISMATCH',
        file.name,
        `migration ${file.name} was modified after it was applied (checksum ${file.checksum} on disk, ${row.checksum} applied); add a new migration instead of editing an applied one`,
      );
    }
    applied.push(file.name);
  }
  const names = new Set(onDisk.map((f) => f.name));
  const unknown = [...appliedByName.keys()].filter((name) => !names.has(name)).sort();
  return { pending, applied, unknown };
}

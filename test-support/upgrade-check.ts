// A migration's effect on what the previous version left behind, on the real PostgreSQL: a
// scratch database migrated up to, not including, the service's migration `*_<name>`; the rows
// the previous version wrote (`previousRows`, SQL); then every migration; then `check` with the
// service's Prisma client. The database is dropped afterwards.
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createPrismaClient,
  type PrismaClientLike,
  runMigrations,
  type ServiceSchema,
} from '../services/runtime/src/index.js';
import { createTestDatabase } from './db.ts';

/** A copy of the migrations directory without `*_<name>` and what follows it. */
async function migrationsBefore(migrationsDir: string, name: string): Promise<string> {
  const all = (await readdir(migrationsDir)).sort();
  const index = all.findIndex((entry) => entry.endsWith(`_${name}`));
  if (index < 0) throw new Error(`no migration *_${name} in ${migrationsDir}`);
  const dir = await mkdtemp(join(tmpdir(), 'elwosa-migrations-before-'));
  for (const entry of all.slice(0, index))
    await cp(join(migrationsDir, entry), join(dir, entry), { recursive: true });
  return dir;
}

export async function checkUpgrade<T extends PrismaClientLike>(
  service: ServiceSchema<T>,
  migration: string,
  previousRows: string,
  check: (client: T) => Promise<void>,
): Promise<void> {
  const database = await createTestDatabase();
  const previous = await migrationsBefore(service.migrationsDir, migration);
  try {
    const migrate = (migrationsDir: string) =>
      runMigrations({ connectionString: database.url, schema: service.schema, migrationsDir });
    await migrate(previous);
    await database.pool.query(previousRows);
    await migrate(service.migrationsDir);
    const handle = createPrismaClient(service.Client, {
      databaseUrl: database.url,
      schema: service.schema,
      poolSize: 2,
    });
    try {
      await check(handle.client);
    } finally {
      await handle.disconnect();
    }
  } finally {
    await rm(previous, { recursive: true, force: true });
    await database.drop();
  }
}

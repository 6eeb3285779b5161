// Databases for the tests of every service. Each call gives a database of its own:
//   createTestDatabase()          a fresh, uniquely named database on the real PostgreSQL
//                                 (TEST_PG_URL), dropped WITH (FORCE) by drop()
//   createEmbeddedTestDatabase()  embedded PostgreSQL (PGlite, pgvector) in a temp dir, removed by drop()
//   createAnyTestDatabase()       the real one when reachable, the embedded one otherwise (§10)
// Give `url` to runMigrations({ connectionString }) / createPrismaClient({ databaseUrl }): for the
// embedded database they resolve it to its one shared connection (PGlite has one session; do not
// open other pg connections to that URL, use `pool`).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openEmbeddedPostgres } from '../services/runtime/src/db/embedded.js';
import { haveRealPg, TEST_PG_URL } from './backends.js';

export interface TestDatabase {
  readonly embedded: boolean;
  /** Real: the database's URL. Embedded: its socket URL (in this process: the shared connection). */
  readonly url: string;
  /** A pool on this database for assertions (embedded: the shared one; do not end it). */
  readonly pool: pg.Pool;
  drop(): Promise<void>;
}

export function uniqueDatabaseName(prefix = 'elwosa_test'): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_PG_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Kills every connection to the real database at `url` but this call's own; resolves how many. */
export async function terminateConnections(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const killed = await client.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    return killed.rowCount ?? 0;
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(prefix?: string): Promise<TestDatabase> {
  const name = uniqueDatabaseName(prefix);
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 3 });
  pool.on('error', () => {});
  let dropped = false;
  return {
    embedded: false,
    url: url.toString(),
    pool,
    drop: async () => {
      if (dropped) return;
      dropped = true;
      await pool.end();
      await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

export async function createEmbeddedTestDatabase(): Promise<TestDatabase> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'elwosa-test-db-'));
  const db = await openEmbeddedPostgres({ dataDir });
  let dropped = false;
  return {
    embedded: true,
    url: db.connectionString,
    pool: db.pool,
    drop: async () => {
      if (dropped) return;
      dropped = true;
      await db.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export function createAnyTestDatabase(): Promise<TestDatabase> {
  return haveRealPg() ? createTestDatabase() : createEmbeddedTestDatabase();
}

// Embedded PostgreSQL for all-in-one mode: PGlite (data in <dataDir>/pg, survives restarts,
// pgvector loaded) served on a private Unix socket by @electric-sql/pglite-socket, so services
// reach it through the same pg + @prisma/adapter-pg path as a real server (see
// docs/decisions.md, "Embedded PostgreSQL").
//
// PGlite has one backend session. The socket server's multiplexer interleaves the protocol
// messages of concurrent connections once transactions are involved ("unnamed prepared
// statement does not exist", then a hang: measured in bench/db), so everything in the process
// goes through ONE pg connection: `pool` (max 1), registered for the connection string so
// createPrismaClient and runMigrations given that URL use it. pg queues the queries, a
// transaction holds the connection until it ends: the single-session semantics PGlite has.
import { access, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type pg from 'pg';
import { lockDataDir } from './data-dir-lock.js';
import { type DbLogger, silentLogger } from './logger.js';
import { createPool } from './prisma.js';
import { registerSharedPool } from './shared-pools.js';

/**
 * PostgreSQL settings for the embedded server. PostgreSQL's default buffer pool (128 MB) is
 * allocated and zeroed inside PGlite's WebAssembly memory at start, so it is resident from the
 * first second; one user's all-in-one data fits a much smaller one (measured: 495 → 190 MB
 * idle RSS for PGlite alone with 16 MB). work_mem stays small for the same reason: the
 * WebAssembly memory grows but never shrinks.
 */
export const EMBEDDED_POSTGRES_SETTINGS: readonly string[] = [
  'shared_buffers=16MB',
  'work_mem=2MB',
  'maintenance_work_mem=16MB',
  'wal_buffers=1MB',
];

function createPGlite(pgDir: string | undefined): Promise<PGlite> {
  return PGlite.create({
    ...(pgDir ? { dataDir: pgDir } : {}),
    extensions: { vector },
    startParams: [...PGlite.defaultStartParams, ...EMBEDDED_POSTGRES_SETTINGS.flatMap((s) => ['-c', s])],
  });
}

const isInitialised = (pgDir: string) =>
  access(path.join(pgDir, 'PG_VERSION')).then(
    () => true,
    () => false,
  );

/**
 * Creates a new data directory (initdb) with an instance of its own that is closed right
 * after. initdb grows PGlite's WebAssembly memory to ~480 MB, and that memory never shrinks
 * while the instance lives; once it is closed and collected, the serving instance starts at
 * the size a restart has.
 */
async function initialiseDataDir(pgDir: string, logger: DbLogger): Promise<void> {
  if (await isInitialised(pgDir)) return;
  const started = performance.now();
  const init = await createPGlite(pgDir);
  await init.close();
  logger.info(
    { dataDir: pgDir, ms: Math.round(performance.now() - started) },
    'embedded PostgreSQL initialised',
  );
}

export interface EmbeddedPostgresOptions {
  /** ELWOSA_DATA_DIR; the database lives in `<dataDir>/pg`. `memory://` keeps it in memory (tests). */
  readonly dataDir: string;
  readonly logger?: DbLogger;
  /** How long a query waits for the shared connection. Default 10000 ms. */
  readonly connectionTimeoutMillis?: number;
}

export interface EmbeddedPostgres {
  /**
   * The socket's libpq URL. Inside this process, createPrismaClient / runMigrations /
   * pendingMigrations given it use `pool`; do not open other pg connections to it.
   */
  readonly connectionString: string;
  /** The one pool (one connection) every user of this database in the process shares. */
  readonly pool: pg.Pool;
  readonly pglite: PGlite;
  close(): Promise<void>;
}

export async function openEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const logger = options.logger ?? silentLogger;
  const inMemory = options.dataDir.startsWith('memory://');
  const pgDir = inMemory ? undefined : path.join(path.resolve(options.dataDir), 'pg');
  if (pgDir) await mkdir(pgDir, { recursive: true });
  const unlock = pgDir ? await lockDataDir(path.dirname(pgDir)) : async () => {};
  const started = performance.now();
  let pglite: PGlite;
  try {
    if (pgDir) await initialiseDataDir(pgDir, logger);
    pglite = await createPGlite(pgDir);
  } catch (err) {
    await unlock();
    throw err;
  }
  // The socket lives in a fresh 0700 directory: only this user can connect (PGlite has no auth).
  const socketDir = await mkdtemp(path.join(tmpdir(), 'elwosa-pg-'));
  const server = new PGLiteSocketServer({
    db: pglite,
    path: path.join(socketDir, '.s.PGSQL.5432'),
    // One for the shared pool, one spare so a reconnect is not refused while the old
    // connection's slot is still being released, one for psql.
    maxConnections: 3,
  });
  try {
    await server.start();
  } catch (err) {
    await pglite.close();
    await rm(socketDir, { recursive: true, force: true });
    await unlock();
    throw err;
  }
  logger.info(
    { dataDir: pgDir ?? 'memory', ms: Math.round(performance.now() - started) },
    'embedded PostgreSQL started',
  );
  const connectionString = `postgresql://postgres@localhost/postgres?host=${encodeURIComponent(socketDir)}`;
  const pool = createPool(
    connectionString,
    {
      poolSize: 1,
      connectionTimeoutMillis: options.connectionTimeoutMillis ?? 10_000,
      idleTimeoutMillis: 0,
      name: 'embedded',
    },
    logger,
  );
  const unregister = registerSharedPool(connectionString, pool);
  let closing: Promise<void> | undefined;
  return {
    pool,
    connectionString,
    pglite,
    close: () => {
      closing ??= (async () => {
        unregister();
        await pool.end();
        await server.stop();
        await pglite.close();
        await rm(socketDir, { recursive: true, force: true });
        await unlock();
        logger.info({ dataDir: pgDir ?? 'memory' }, 'embedded PostgreSQL stopped');
      })();
      return closing;
    },
  };
}

// The one way services build their Prisma client: Prisma 7 + @prisma/adapter-pg on an explicit
// pg pool (bounded size, bounded wait for a connection: Prisma's pool otherwise waits forever).
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { type DbLogger, silentLogger } from './logger.js';
import { assertSchemaName } from './migrations/sql.js';
import { sharedPoolFor } from './shared-pools.js';

export interface PrismaClientSettings {
  /**
   * DATABASE_URL, or the embedded database's URL (`openDatabase().databaseUrl`): then the client
   * uses the process's one shared connection and poolSize / timeouts are the shared pool's.
   */
  readonly databaseUrl: string;
  /** The service's PostgreSQL schema; the default schema of models without `@@schema`. */
  readonly schema: string;
  /** Connections in this client's pool (size × replicas must stay below max_connections). Default 10. */
  readonly poolSize?: number;
  /** How long a query waits for a free or new connection before it fails. Default 5000 ms. */
  readonly connectionTimeoutMillis?: number;
  /** Idle connections are closed after this long. Default 30000 ms. */
  readonly idleTimeoutMillis?: number;
  readonly logger?: DbLogger;
}

/** What every generated PrismaClient class (prisma-client generator) satisfies. */
export interface PrismaClientLike {
  $disconnect(): Promise<void>;
}

export type PrismaClientClass<T extends PrismaClientLike> = new (options: { adapter: PrismaPg }) => T;

export interface PrismaHandle<T extends PrismaClientLike> {
  readonly client: T;
  /** The pool under the adapter (readiness check, stats, raw `pg` queries). */
  readonly pool: pg.Pool;
  /** `$disconnect()` and close the pool (not a shared one); safe to call twice. */
  disconnect(): Promise<void>;
}

export const DEFAULT_POOL_SIZE = 10;
export const DEFAULT_CONNECTION_TIMEOUT_MILLIS = 5_000;

export function createPool(
  connectionString: string,
  options: { poolSize?: number; connectionTimeoutMillis?: number; idleTimeoutMillis?: number; name: string },
  logger: DbLogger,
): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: options.poolSize ?? DEFAULT_POOL_SIZE,
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? DEFAULT_CONNECTION_TIMEOUT_MILLIS,
    idleTimeoutMillis: options.idleTimeoutMillis ?? 30_000,
    // TCP keep-alive probes after 10 s of silence: a connection to a vanished server (failover,
    // network partition) is noticed within minutes rather than after the kernel's two hours.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    application_name: `elwosa-${options.name}`,
  });
  // An idle connection that dies (server restart, pg_terminate_backend) emits 'error' on the
  // pool; the pool drops it and opens a new one on the next query. Without a listener the
  // process would crash.
  pool.on('error', (err) => logger.warn({ err, pool: options.name }, 'idle database connection lost'));
  return pool;
}

export function createPrismaClient<T extends PrismaClientLike>(
  Client: PrismaClientClass<T>,
  settings: PrismaClientSettings,
): PrismaHandle<T> {
  const schema = assertSchemaName(settings.schema);
  const logger = settings.logger ?? silentLogger;
  const shared = sharedPoolFor(settings.databaseUrl);
  const pool = shared ?? createPool(settings.databaseUrl, { ...settings, name: schema }, logger);
  const adapter = new PrismaPg(pool, {
    schema,
    onConnectionError: (err) => logger.warn({ err, schema }, 'database connection error'),
  });
  const client = new Client({ adapter });
  let closing: Promise<void> | undefined;
  return {
    client,
    pool,
    disconnect: () => {
      closing ??= (async () => {
        try {
          await client.$disconnect();
        } finally {
          if (!shared) await pool.end();
        }
      })();
      return closing;
    },
  };
}

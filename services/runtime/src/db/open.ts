// The database a service uses: the real server from DATABASE_URL, or (all-in-one mode without
// it) the embedded PostgreSQL that every service in the process shares, opened once per data
// directory and closed when the last service closes it.
import path from 'node:path';
import { type EmbeddedPostgres, openEmbeddedPostgres } from './embedded.js';
import { type DbLogger, silentLogger } from './logger.js';

export interface DatabaseConfig {
  /** DATABASE_URL; without it the embedded database in `<dataDir>/pg` is used. */
  readonly databaseUrl?: string | undefined;
  /** ELWOSA_DATA_DIR. */
  readonly dataDir: string;
  readonly logger?: DbLogger;
}

export interface Database {
  readonly embedded: boolean;
  /**
   * For createPrismaClient({ databaseUrl }) and run/pendingMigrations({ connectionString }).
   * Embedded: the socket URL, which those resolve to the process's one shared connection.
   */
  readonly databaseUrl: string;
  /** Releases this service's use; the embedded database stops with the last one. */
  close(): Promise<void>;
}

interface Shared {
  refs: number;
  opening: Promise<EmbeddedPostgres>;
}

const embeddedByDir = new Map<string, Shared>();
/** A data directory being closed must be closed before it is opened again. */
const closingByDir = new Map<string, Promise<void>>();

function acquire(key: string, logger: DbLogger): Shared {
  let shared = embeddedByDir.get(key);
  if (!shared) {
    const previous = closingByDir.get(key) ?? Promise.resolve();
    const opening = previous.then(() => openEmbeddedPostgres({ dataDir: key, logger }));
    const entry: Shared = { refs: 0, opening };
    opening.catch(() => {
      if (embeddedByDir.get(key) === entry) embeddedByDir.delete(key);
    });
    embeddedByDir.set(key, entry);
    shared = entry;
  }
  shared.refs++;
  return shared;
}

export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  if (config.databaseUrl) {
    return { embedded: false, databaseUrl: config.databaseUrl, close: async () => {} };
  }
  const key = config.dataDir.startsWith('memory://') ? config.dataDir : path.resolve(config.dataDir);
  const entry = acquire(key, config.logger ?? silentLogger);
  let embedded: EmbeddedPostgres;
  try {
    embedded = await entry.opening;
  } catch (err) {
    entry.refs--;
    throw err;
  }
  let closed = false;
  return {
    embedded: true,
    databaseUrl: embedded.connectionString,
    close: async () => {
      if (closed) return;
      closed = true;
      if (--entry.refs > 0) return;
      if (embeddedByDir.get(key) === entry) embeddedByDir.delete(key);
      const closing = embedded.close().finally(() => {
        if (closingByDir.get(key) === closing) closingByDir.delete(key);
      });
      closingByDir.set(key, closing);
      await closing;
    },
  };
}

// The database a service uses: the real server from DATABASE_URL, or (all-in-one mode without
// it) the embedded PostgreSQL that every service in the process shares, opened once per data
// directory and closed when the last service closes it.
import path from 'node:path';
import type pg from 'pg';
import { type EmbeddedPostgres, openEmbeddedPostgres } from './embedded.js';
import { type DbLogger, silentLogger } from './logger.js';

export interface DatabaseConfig {
  /** DATABASE_URL; without it the embedded database in `<dataDir>/pg` is used. */
  readonly databaseUrl?: string | undefined;
  /** ELWOSA_DATA_DIR. */
  readonly dataDir: string;
  readonly logger?: DbLogger;
}

/** What runMigrations, pendingMigrations and createPrismaClient take (spread it into their options). */
export type DatabaseSource =
  | { readonly connectionString: string; readonly client?: undefined }
  | { readonly client: pg.Pool; readonly connectionString?: undefined };

export interface Database {
  readonly embedded: boolean;
  readonly source: DatabaseSource;
  /** Releases this service's use; the embedded database stops with the last one. */
  close(): Promise<void>;
}

interface Shared {
  refs: number;
  opening: Promise<EmbeddedPostgres>;
}

const embeddedByDir = new Map<string, Shared>();

export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  if (config.databaseUrl) {
    return { embedded: false, source: { connectionString: config.databaseUrl }, close: async () => {} };
  }
  const key = config.dataDir.startsWith('memory://') ? config.dataDir : path.resolve(config.dataDir);
  let shared = embeddedByDir.get(key);
  if (!shared) {
    shared = {
      refs: 0,
      opening: openEmbeddedPostgres({ dataDir: key, logger: config.logger ?? silentLogger }),
    };
    embeddedByDir.set(key, shared);
    shared.opening.catch(() => embeddedByDir.delete(key));
  }
  shared.refs++;
  const entry = shared;
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
    source: { client: embedded.pool },
    close: async () => {
      if (closed) return;
      closed = true;
      if (--entry.refs > 0) return;
      if (embeddedByDir.get(key) === entry) embeddedByDir.delete(key);
      await embedded.close();
    },
  };
}

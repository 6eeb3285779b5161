// One dedicated pg connection for a task, from whatever the caller has: a connection string
// (a new Client, closed afterwards; an embedded database's URL: its shared pool), a Pool (a
// checked-out client, released afterwards) or a client it already owns (used as is).
import pg from 'pg';
import { sharedPoolFor } from './shared-pools.js';

/**
 * Where a task gets its connection: a connection string (an embedded database's URL resolves to
 * its shared pool), or a pool/client the caller owns.
 */
export type PgConnectionSource =
  | { readonly connectionString: string; readonly client?: undefined }
  | { readonly client: pg.Pool | pg.ClientBase; readonly connectionString?: undefined };

export interface DedicatedConnection {
  readonly client: pg.ClientBase;
  release(): Promise<void>;
}

const isPool = (c: pg.Pool | pg.ClientBase): c is pg.Pool => 'idleCount' in c && 'totalCount' in c;

/**
 * A client from a busy pool: keeps asking while the pool's own wait times out, up to `waitMillis`
 * (the embedded database's one connection is held by other services' runners at start).
 */
async function checkOut(pool: pg.Pool, waitMillis: number): Promise<pg.PoolClient> {
  const deadline = Date.now() + waitMillis;
  for (;;) {
    try {
      return await pool.connect();
    } catch (err) {
      const poolTimeout = /timeout exceeded when trying to connect/i.test((err as Error).message);
      if (!poolTimeout || Date.now() >= deadline) throw err;
    }
  }
}

export const CONNECT_TIMEOUT_MILLIS = 10_000;
export const POOL_WAIT_MILLIS = 60_000;

/** `poolWaitMillis`: how long to keep asking a busy pool (0: the pool's own wait, once). */
export async function dedicatedConnection(
  source: PgConnectionSource,
  poolWaitMillis = POOL_WAIT_MILLIS,
): Promise<DedicatedConnection> {
  if (source.connectionString !== undefined) {
    const shared = sharedPoolFor(source.connectionString);
    if (shared) return dedicatedConnection({ client: shared }, poolWaitMillis);
    const client = new pg.Client({
      connectionString: source.connectionString,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MILLIS,
    });
    // A dropped connection must reject the running query, not crash the process.
    client.on('error', () => {});
    await client.connect();
    return { client, release: () => client.end() };
  }
  if (isPool(source.client)) {
    const client = await checkOut(source.client, poolWaitMillis);
    let released = false;
    const onError = (): void => {};
    client.on('error', onError);
    return {
      client,
      release: async () => {
        if (released) return;
        released = true;
        client.removeListener('error', onError);
        client.release();
      },
    };
  }
  return { client: source.client, release: async () => {} };
}

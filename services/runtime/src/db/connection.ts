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

export async function dedicatedConnection(
  source: PgConnectionSource,
  connectionTimeoutMillis = 10_000,
): Promise<DedicatedConnection> {
  if (source.connectionString !== undefined) {
    const shared = sharedPoolFor(source.connectionString);
    if (shared) return dedicatedConnection({ client: shared }, connectionTimeoutMillis);
    const client = new pg.Client({ connectionString: source.connectionString, connectionTimeoutMillis });
    // A dropped connection must reject the running query, not crash the process.
    client.on('error', () => {});
    await client.connect();
    return { client, release: () => client.end() };
  }
  if (isPool(source.client)) {
    const client = await source.client.connect();
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

// Connection strings of embedded databases open in this process, mapped to the one pool that
// may talk to each (PGlite has a single backend session; see embedded.ts). The factory and the
// migration runner look a URL up here first, so whoever holds the URL uses the shared
// connection instead of opening an unsafe second one.
import type pg from 'pg';

const pools = new Map<string, pg.Pool>();

export function registerSharedPool(connectionString: string, pool: pg.Pool): () => void {
  pools.set(connectionString, pool);
  return () => {
    if (pools.get(connectionString) === pool) pools.delete(connectionString);
  };
}

export const sharedPoolFor = (connectionString: string): pg.Pool | undefined => pools.get(connectionString);

// Runs the hot-path statements (task-sql.ts, list-query.ts). Outside a transaction they go
// straight to the pg pool under Prisma's adapter: Prisma's raw-query pipeline (its request
// handling, the adapter's value conversions, the deserialisation of every value) cost 0.13–0.3 ms
// more CPU than the pool for a page of 50 (0.52–0.72 against 0.38–0.42 ms, docs/decisions.md,
// "Tasks"). Inside a Prisma interactive transaction they run through the transaction, on its
// connection. Both return rows under the statement's column aliases with the same JavaScript
// types (uuid and text as strings, int2/int4 as numbers, timestamptz as Date, text[] as
// arrays, jsonb parsed); statements that return int8 columns are not run through the pool
// (pg returns them as strings, Prisma as bigint).
import type pg from 'pg';
import type { Prisma } from '../generated/prisma/client.js';
import type { Tx } from './db.js';

export interface SqlClient {
  rows<T>(statement: Prisma.Sql): Promise<T[]>;
}

export function poolClient(pool: pg.Pool): SqlClient {
  return {
    async rows<T>(statement: Prisma.Sql): Promise<T[]> {
      return (await pool.query(statement.text, statement.values)).rows as T[];
    },
  };
}

export function transactionClient(tx: Tx): SqlClient {
  return { rows: <T>(statement: Prisma.Sql) => tx.$queryRaw<T[]>(statement) };
}

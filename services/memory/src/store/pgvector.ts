// pgvector where the extension exists: the vectors stay REAL[] (so the schema works without
// the extension) and each embedding space gets a partial HNSW expression index
// `((vector::vector(dim)) vector_cosine_ops) WHERE model = … AND dim = …`, created at run
// time. Searches cast the same expression, so the planner can use the index.
import type pg from 'pg';
import type { Logger } from 'pino';
import { fnv1a } from '../embedding/hash-embedder.js';
import type { MatrixHit } from '../vectors/vector-matrix.js';
import { type EmbeddingSpace, MEMORY_SCHEMA, type VectorQuery } from './db.js';

/** pgvector's HNSW index handles `vector` columns up to this dimension. */
export const PGVECTOR_MAX_INDEXED_DIM = 2000;

const T = `"${MEMORY_SCHEMA}"`;
const quoteLiteral = (value: string) => `'${value.replaceAll("'", "''")}'`;
const quoteIdent = (value: string) => `"${value.replaceAll('"', '""')}"`;

/**
 * The schema the `vector` extension lives in, creating the extension when the server has it
 * available and we may; undefined when pgvector cannot be used.
 */
export async function detectPgvector(pool: pg.Pool, logger: Logger): Promise<string | undefined> {
  const installed = async () =>
    (
      await pool.query<{ schema: string }>(
        `SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
          WHERE e.extname = 'vector'`,
      )
    ).rows[0]?.schema;
  const existing = await installed();
  if (existing) return existing;
  const available = await pool.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'vector'`);
  if (available.rowCount === 0) return undefined;
  try {
    await pool.query('CREATE EXTENSION IF NOT EXISTS vector');
  } catch (err) {
    // Another service created it concurrently, or we lack the privilege.
    const schema = await installed();
    if (!schema) logger.warn({ err }, 'pgvector is available but cannot be created; searching in process');
    return schema;
  }
  return installed();
}

/** HNSW candidate list size (`hnsw.ef_search`) for a top-k search. */
export const searchBreadth = (k: number): number => Math.min(1000, Math.max(400, k * 20));

export class PgvectorIndex {
  private readonly ensured = new Map<string, Promise<void>>();
  private readonly vec: string;
  private readonly op: string;
  private readonly ops: string;

  constructor(
    private readonly pool: pg.Pool,
    extensionSchema: string,
  ) {
    const s = quoteIdent(extensionSchema);
    this.vec = `${s}.vector`;
    this.op = `OPERATOR(${s}.<=>)`;
    this.ops = `${s}.vector_cosine_ops`;
  }

  static indexName(space: EmbeddingSpace): string {
    return `memory_embeddings_hnsw_${fnv1a(space.model).toString(16)}_${space.dim}`;
  }

  /** Creates the space's HNSW index once per process (IF NOT EXISTS across processes). */
  ensureIndex(space: EmbeddingSpace): Promise<void> {
    const name = PgvectorIndex.indexName(space);
    let pending = this.ensured.get(name);
    if (!pending) {
      pending = this.pool
        .query(
          `CREATE INDEX IF NOT EXISTS ${quoteIdent(name)} ON ${T}.memory_embeddings
             USING hnsw ((vector::${this.vec}(${space.dim})) ${this.ops})
             WHERE model = ${quoteLiteral(space.model)} AND dim = ${space.dim}`,
        )
        .then(() => undefined);
      pending.catch(() => this.ensured.delete(name));
      this.ensured.set(name, pending);
    }
    return pending;
  }

  /** Drops the HNSW indexes of every space but `keep` (after a completed re-embedding). */
  async dropIndexesExcept(keep: EmbeddingSpace): Promise<string[]> {
    const keepName = PgvectorIndex.indexName(keep);
    const res = await this.pool.query<{ name: string }>(
      `SELECT indexname AS name FROM pg_indexes
        WHERE schemaname = $1 AND indexname LIKE 'memory\\_embeddings\\_hnsw\\_%' AND indexname <> $2`,
      [MEMORY_SCHEMA, keepName],
    );
    for (const { name } of res.rows) {
      this.ensured.delete(name);
      await this.pool.query(`DROP INDEX IF EXISTS ${T}.${quoteIdent(name)}`);
    }
    return res.rows.map((r) => r.name);
  }

  /** The search statement and its parameters (also used by tests to EXPLAIN it). */
  searchStatement(query: VectorQuery): { sql: string; values: unknown[] } {
    const { space } = query;
    const cast = `(e.vector::${this.vec}(${space.dim}))`;
    const distance = `${cast} ${this.op} $1::${this.vec}(${space.dim})`;
    const values: unknown[] = [
      `[${Array.from(query.vector).join(',')}]`,
      query.userId,
      1 - query.minScore,
      query.k,
    ];
    let kindFilter = '';
    if (query.kinds) {
      values.push(query.kinds);
      kindFilter = `AND m.kind = ANY($${values.length}::text[])`;
    }
    // The model and dimension are literals so the planner can match the partial index.
    const sql = `SELECT e.memory_id::text AS id, 1 - (${distance}) AS score
                   FROM ${T}.memory_embeddings e JOIN ${T}.memories m ON m.id = e.memory_id
                  WHERE e.user_id = $2 AND e.model = ${quoteLiteral(space.model)} AND e.dim = ${space.dim}
                    AND ${distance} <= $3 ${kindFilter}
                  ORDER BY ${distance}
                  LIMIT $4`;
    return { sql, values };
  }

  /** Runs `statement` with the HNSW settings of a search: `run` gets the connection. */
  async withSearchSettings<T>(k: number, run: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // Filtering by user (and kind) happens after the graph walk: keep walking until k rows
      // pass, in exact distance order; a wide candidate list keeps the recall at ~100 %.
      await client.query('SET LOCAL hnsw.iterative_scan = strict_order');
      await client.query(`SET LOCAL hnsw.ef_search = ${searchBreadth(k)}`);
      const result = await run(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  async search(query: VectorQuery): Promise<MatrixHit[]> {
    const { sql, values } = this.searchStatement(query);
    const res = await this.withSearchSettings(query.k, (client) =>
      client.query<{ id: string; score: number }>(sql, values),
    );
    return res.rows.map((r) => ({ id: r.id, score: Number(r.score) }));
  }
}

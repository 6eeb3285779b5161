// Vector search over one embedding space, on pgvector's HNSW index where the extension exists
// (and the dimension is indexable), otherwise exactly in process. Both give the hits best
// first, ties by id.
import type { MatrixHit } from '../vectors/vector-matrix.js';
import type { EmbeddingSpace, VectorQuery } from './db.js';
import type { InProcessVectors, VectorChange } from './in-process.js';
import { PGVECTOR_MAX_INDEXED_DIM, type PgvectorIndex } from './pgvector.js';

export type VectorBackendName = 'pgvector' | 'in-process';

const byScoreThenId = (a: MatrixHit, b: MatrixHit) =>
  b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * pgvector accumulates in float32, the in-process path in float64: scores agree to about 1e-7.
 * Both are rounded to 6 decimals and ties are broken by id; a few extra candidates make the
 * cut at k independent of how either backend orders (near-)equal scores.
 */
const SCORE_DECIMALS = 1e6;
const TIE_MARGIN = 8;

export function rankHits(hits: MatrixHit[], k: number): MatrixHit[] {
  return hits
    .map((h) => ({ id: h.id, score: Math.round(h.score * SCORE_DECIMALS) / SCORE_DECIMALS }))
    .sort(byScoreThenId)
    .slice(0, k);
}

export class VectorSearch {
  constructor(
    private readonly inProcess: InProcessVectors,
    private readonly pgvector: PgvectorIndex | undefined,
  ) {}

  backendFor(space: EmbeddingSpace | { dim: number | undefined }): VectorBackendName {
    return this.pgvector && (space.dim === undefined || space.dim <= PGVECTOR_MAX_INDEXED_DIM)
      ? 'pgvector'
      : 'in-process';
  }

  /** Makes the space searchable on its backend (creates the HNSW index). */
  async prepare(space: EmbeddingSpace): Promise<void> {
    if (this.pgvector && this.backendFor(space) === 'pgvector') await this.pgvector.ensureIndex(space);
  }

  async search(query: VectorQuery): Promise<MatrixHit[]> {
    const wider = { ...query, k: query.k + TIE_MARGIN };
    if (this.pgvector && this.backendFor(query.space) === 'pgvector') {
      await this.pgvector.ensureIndex(query.space);
      return rankHits(await this.pgvector.search(wider), query.k);
    }
    return rankHits(await this.inProcess.search(wider), query.k);
  }

  /** Tells the in-process caches about a change this process committed. */
  applied(userId: string, generation: bigint, change: VectorChange): void {
    this.inProcess.applied(userId, generation, change);
  }
}

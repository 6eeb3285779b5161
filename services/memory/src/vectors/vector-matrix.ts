// One user's vectors of one model as a contiguous float32 matrix with an exact top-k search:
// the in-process vector backend. Rows are added, replaced and removed (swap with the last)
// in O(dim); a search is one dot product per row.
import { dotRows } from './cosine.js';
import { type Scored, TopK } from './top-k.js';

export interface MatrixHit {
  id: string;
  score: number;
}

export interface MatrixQuery {
  vector: Float32Array;
  k: number;
  minScore: number;
  /** Only rows whose kind is in this set (all rows when absent). */
  kinds?: ReadonlySet<string>;
}

export class VectorMatrix {
  private data: Float32Array;
  private readonly ids: string[] = [];
  private readonly kinds: string[] = [];
  private readonly rowOf = new Map<string, number>();
  /** Scratch space for one search's scores (searches are synchronous, so one suffices). */
  private scores = new Float64Array(0);

  constructor(
    readonly dim: number,
    capacity = 64,
  ) {
    this.data = new Float32Array(Math.max(1, capacity) * dim);
  }

  get size(): number {
    return this.ids.length;
  }

  /** Bytes held by the vectors (for the cache budget). */
  get bytes(): number {
    return this.data.byteLength;
  }

  has(id: string): boolean {
    return this.rowOf.has(id);
  }

  upsert(id: string, kind: string, vector: Float32Array): void {
    if (vector.length !== this.dim) throw new Error(`dimension mismatch: ${vector.length} vs ${this.dim}`);
    let row = this.rowOf.get(id);
    if (row === undefined) {
      row = this.ids.length;
      if ((row + 1) * this.dim > this.data.length) this.grow();
      this.ids.push(id);
      this.kinds.push(kind);
      this.rowOf.set(id, row);
    } else {
      this.kinds[row] = kind;
    }
    this.data.set(vector, row * this.dim);
  }

  /** Changes the kind of a row without touching its vector (an update of the memory's kind). */
  setKind(id: string, kind: string): void {
    const row = this.rowOf.get(id);
    if (row !== undefined) this.kinds[row] = kind;
  }

  remove(id: string): boolean {
    const row = this.rowOf.get(id);
    if (row === undefined) return false;
    const last = this.ids.length - 1;
    if (row !== last) {
      const lastId = this.ids[last] as string;
      this.data.copyWithin(row * this.dim, last * this.dim, (last + 1) * this.dim);
      this.ids[row] = lastId;
      this.kinds[row] = this.kinds[last] as string;
      this.rowOf.set(lastId, row);
    }
    this.ids.pop();
    this.kinds.pop();
    this.rowOf.delete(id);
    return true;
  }

  search(query: MatrixQuery): MatrixHit[] {
    if (query.vector.length !== this.dim) {
      throw new Error(`dimension mismatch: ${query.vector.length} vs ${this.dim}`);
    }
    const top = new TopK<null>(query.k);
    const { kinds, minScore, vector } = query;
    const rows = this.ids.length;
    if (this.scores.length < rows) this.scores = new Float64Array(this.data.length / this.dim);
    const scores = this.scores;
    dotRows(vector, this.data, rows, scores);
    for (let row = 0; row < rows; row++) {
      const score = scores[row] as number;
      if (score < minScore || score < top.threshold) continue;
      if (kinds && !kinds.has(this.kinds[row] as string)) continue;
      top.push(score, this.ids[row] as string, null);
    }
    return top.results().map((hit: Scored<null>) => ({ id: hit.key, score: hit.score }));
  }

  private grow(): void {
    const next = new Float32Array(Math.max(this.data.length * 2, this.dim * 64));
    next.set(this.data);
    this.data = next;
  }
}

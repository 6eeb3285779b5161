// The in-process vector backend: exact cosine over a per-(user, space) matrix cached in
// memory. A search first reads the user's vector generation (one indexed row); the cache is
// used when it matches, reloaded when another replica changed the user's vectors. Changes made
// by this process are applied to the cached matrix directly (no reload). The cache is bounded
// (least recently used entries go first).
import type pg from 'pg';
import { type MatrixHit, VectorMatrix } from '../vectors/vector-matrix.js';
import type { EmbeddingSpace, VectorQuery } from './db.js';
import { currentGeneration, loadUserVectors } from './vector-rows.js';

/** A change this process made to a user's vectors, and the generation it produced. */
export type VectorChange =
  | { op: 'upsert'; id: string; kind: string; space: EmbeddingSpace; vector: Float32Array }
  | { op: 'remove'; id: string }
  | { op: 'kind'; id: string; kind: string };

interface Entry {
  userId: string;
  space: EmbeddingSpace;
  generation: bigint;
  matrix: VectorMatrix;
}

const keyOf = (userId: string, space: EmbeddingSpace) => `${userId}|${space.dim}|${space.model}`;
const sameSpace = (a: EmbeddingSpace, b: EmbeddingSpace) => a.model === b.model && a.dim === b.dim;

export class InProcessVectors {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<Entry>>();
  private bytes = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly budgetBytes: number,
  ) {}

  get cachedBytes(): number {
    return this.bytes;
  }

  async search(query: VectorQuery): Promise<MatrixHit[]> {
    const entry = await this.current(query.userId, query.space);
    return entry.matrix.search({
      vector: query.vector,
      k: query.k,
      minScore: query.minScore,
      ...(query.kinds ? { kinds: new Set<string>(query.kinds) } : {}),
    });
  }

  /** Applies a change this process committed (generation `generation`) to the cached matrices. */
  applied(userId: string, generation: bigint, change: VectorChange): void {
    for (const [key, entry] of this.entries) {
      if (entry.userId !== userId) continue;
      if (entry.generation !== generation - 1n) {
        // Missed a change (another replica, or a concurrent write): reload on next use.
        this.evict(key);
        continue;
      }
      const before = entry.matrix.bytes;
      if (change.op === 'remove') entry.matrix.remove(change.id);
      else if (change.op === 'kind') entry.matrix.setKind(change.id, change.kind);
      else if (sameSpace(change.space, entry.space))
        entry.matrix.upsert(change.id, change.kind, change.vector);
      else entry.matrix.remove(change.id);
      this.bytes += entry.matrix.bytes - before;
      entry.generation = generation;
    }
    this.trim();
  }

  private async current(userId: string, space: EmbeddingSpace): Promise<Entry> {
    const key = keyOf(userId, space);
    const generation = await currentGeneration(this.pool, userId);
    const cached = this.entries.get(key);
    if (cached && cached.generation === generation) {
      // Most recently used last.
      this.entries.delete(key);
      this.entries.set(key, cached);
      return cached;
    }
    let pending = this.loading.get(key);
    if (!pending) {
      pending = this.load(key, userId, space).finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    return pending;
  }

  private async load(key: string, userId: string, space: EmbeddingSpace): Promise<Entry> {
    const loaded = await loadUserVectors(this.pool, userId, space);
    const matrix = new VectorMatrix(space.dim, loaded.rows.length + 16);
    for (const row of loaded.rows) matrix.upsert(row.id, row.kind, row.vector);
    const entry: Entry = { userId, space, generation: loaded.generation, matrix };
    this.evict(key);
    this.entries.set(key, entry);
    this.bytes += matrix.bytes;
    this.trim(key);
    return entry;
  }

  private evict(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.matrix.bytes;
  }

  /** Drops least recently used entries over the budget (never `keep`, the one just loaded). */
  private trim(keep?: string): void {
    for (const key of this.entries.keys()) {
      if (this.bytes <= this.budgetBytes) return;
      if (key !== keep) this.evict(key);
    }
  }
}

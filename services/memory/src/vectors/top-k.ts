// The k best-scoring items of a stream, in O(n log k): a bounded min-heap. Ties are broken
// by key (ascending) so the result is deterministic whatever the input order.

export interface Scored<T> {
  score: number;
  key: string;
  item: T;
}

/** True when `a` ranks below `b` (lower score, or equal score and larger key). */
const worse = <T>(a: Scored<T>, b: Scored<T>): boolean =>
  a.score < b.score || (a.score === b.score && a.key > b.key);

export class TopK<T> {
  private readonly heap: Scored<T>[] = [];

  constructor(readonly k: number) {
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  }

  /** The score an item must beat to enter (−Infinity until the heap is full). */
  get threshold(): number {
    return this.heap.length < this.k ? Number.NEGATIVE_INFINITY : (this.heap[0] as Scored<T>).score;
  }

  push(score: number, key: string, item: T): void {
    const entry = { score, key, item };
    const heap = this.heap;
    if (heap.length < this.k) {
      heap.push(entry);
      this.up(heap.length - 1);
    } else if (worse(heap[0] as Scored<T>, entry)) {
      heap[0] = entry;
      this.down(0);
    }
  }

  /** Best first. */
  results(): Scored<T>[] {
    return [...this.heap].sort((a, b) => (worse(a, b) ? 1 : worse(b, a) ? -1 : 0));
  }

  private up(i: number): void {
    const heap = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!worse(heap[i] as Scored<T>, heap[parent] as Scored<T>)) break;
      [heap[i], heap[parent]] = [heap[parent] as Scored<T>, heap[i] as Scored<T>];
      i = parent;
    }
  }

  private down(i: number): void {
    const heap = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && worse(heap[l] as Scored<T>, heap[m] as Scored<T>)) m = l;
      if (r < heap.length && worse(heap[r] as Scored<T>, heap[m] as Scored<T>)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m] as Scored<T>, heap[i] as Scored<T>];
      i = m;
    }
  }
}

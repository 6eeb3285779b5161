// Vector arithmetic for cosine similarity. Every stored and query vector is L2-normalised
// once (at embedding time), so a similarity is a plain dot product afterwards.

/** `v` scaled to length 1 as float32; a zero vector stays zero (it matches nothing). */
export function l2normalize(v: ArrayLike<number>): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i] as number;
    sum += x * x;
  }
  const out = new Float32Array(v.length);
  if (sum === 0 || !Number.isFinite(sum)) return out;
  const inv = 1 / Math.sqrt(sum);
  for (let i = 0; i < v.length; i++) out[i] = (v[i] as number) * inv;
  return out;
}

/** Dot product of `a` with the `b.length` values of `matrix` starting at `offset`. */
export function dotAt(a: Float32Array, matrix: Float32Array, offset: number): number {
  const n = a.length;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  // Four independent accumulators: about twice as fast as one in V8.
  for (; i + 3 < n; i += 4) {
    s0 += (a[i] as number) * (matrix[offset + i] as number);
    s1 += (a[i + 1] as number) * (matrix[offset + i + 1] as number);
    s2 += (a[i + 2] as number) * (matrix[offset + i + 2] as number);
    s3 += (a[i + 3] as number) * (matrix[offset + i + 3] as number);
  }
  for (; i < n; i++) s0 += (a[i] as number) * (matrix[offset + i] as number);
  return s0 + s1 + s2 + s3;
}

/**
 * `out[r]` = dot product of `q` with row `r` of a row-major matrix of `rows` × `q.length`,
 * four rows at a time (each query value is loaded once per four rows: ~25 % faster than
 * row by row on 100k × 512).
 */
export function dotRows(q: Float32Array, matrix: Float32Array, rows: number, out: Float64Array): void {
  const dim = q.length;
  let r = 0;
  for (; r + 3 < rows; r += 4) {
    const o0 = r * dim;
    const o1 = o0 + dim;
    const o2 = o1 + dim;
    const o3 = o2 + dim;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let i = 0; i < dim; i++) {
      const x = q[i] as number;
      s0 += x * (matrix[o0 + i] as number);
      s1 += x * (matrix[o1 + i] as number);
      s2 += x * (matrix[o2 + i] as number);
      s3 += x * (matrix[o3 + i] as number);
    }
    out[r] = s0;
    out[r + 1] = s1;
    out[r + 2] = s2;
    out[r + 3] = s3;
  }
  for (; r < rows; r++) out[r] = dotAt(q, matrix, r * dim);
}

export const dot = (a: Float32Array, b: Float32Array): number => {
  if (a.length !== b.length) throw new Error(`dimension mismatch: ${a.length} vs ${b.length}`);
  return dotAt(a, b, 0);
};

/** Cosine similarity of two vectors of any length scale (−1 … 1; 0 when either is zero). */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`dimension mismatch: ${a.length} vs ${b.length}`);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    ab += x * y;
    aa += x * x;
    bb += y * y;
  }
  return aa === 0 || bb === 0 ? 0 : ab / Math.sqrt(aa * bb);
}

// Checks and normalises the vectors a provider sent: one per input, all of one dimension,
// finite numbers. Remote embedders learn their dimension from the first good answer.
import { l2normalize } from '../vectors/cosine.js';
import { EmbeddingError } from './embedder.js';

export function acceptVectors(
  model: string,
  expectedCount: number,
  expectedDim: number | undefined,
  raw: unknown,
): Float32Array[] {
  if (!Array.isArray(raw) || raw.length !== expectedCount) {
    throw new EmbeddingError(
      `${model}: expected ${expectedCount} vectors, got ${Array.isArray(raw) ? raw.length : typeof raw}`,
    );
  }
  const dim = expectedDim ?? (Array.isArray(raw[0]) ? raw[0].length : 0);
  if (dim < 1) throw new EmbeddingError(`${model}: empty vector`);
  return raw.map((v: unknown) => {
    if (
      !Array.isArray(v) ||
      v.length !== dim ||
      !v.every((x) => typeof x === 'number' && Number.isFinite(x))
    ) {
      throw new EmbeddingError(`${model}: expected ${dim} finite numbers per vector`);
    }
    return l2normalize(v as number[]);
  });
}

// A deterministic feature-hashing embedder: word unigrams and bigrams plus character trigrams
// of each word, FNV-1a hashed into signed buckets, L2-normalised. Lexical only (no synonyms),
// but instant and dependency-free: for unit tests and as a cheap fallback.
import { l2normalize } from '../vectors/cosine.js';
import type { Embedder } from './embedder.js';

export const HASH_DEFAULT_DIM = 512;

/** FNV-1a, 32 bit. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function tokenize(text: string): string[] {
  return (
    text
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

/** Features with their weights: words 1, adjacent word pairs 1, character trigrams 0.5. */
export function features(text: string): Array<[string, number]> {
  const words = tokenize(text);
  const out: Array<[string, number]> = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    out.push([`w:${word}`, 1]);
    if (i > 0) out.push([`b:${words[i - 1]} ${word}`, 1]);
    const padded = `^${word}$`;
    for (let j = 0; j + 3 <= padded.length; j++) out.push([`c:${padded.slice(j, j + 3)}`, 0.5]);
  }
  return out;
}

export function hashEmbed(text: string, dim: number): Float32Array {
  const v = new Float64Array(dim);
  for (const [feature, weight] of features(text)) {
    const h = fnv1a(feature);
    // The lowest bit picks the sign, so collisions cancel out on average instead of adding up.
    v[(h >>> 1) % dim] = (v[(h >>> 1) % dim] as number) + (h & 1 ? weight : -weight);
  }
  return l2normalize(v);
}

export function createHashEmbedder(dim = HASH_DEFAULT_DIM): Embedder {
  return {
    model: `hash:v1-${dim}`,
    dimensions: dim,
    maxBatch: 1024,
    embed: async (texts) => texts.map((t) => hashEmbed(t, dim)),
  };
}

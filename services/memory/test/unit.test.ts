// Pure parts: cosine, top-k, the vector matrix, the hashing embedder, embedder selection,
// cursors, the binary array decoder and the check of provider answers.
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../src/domain/cursor.js';
import { EmbeddingError, embedAll } from '../src/embedding/embedder.js';
import { createHashEmbedder, features, fnv1a, hashEmbed, tokenize } from '../src/embedding/hash-embedder.js';
import { acceptVectors } from '../src/embedding/remote-vectors.js';
import { EmbedderConfigError, selectEmbedder } from '../src/embedding/select.js';
import { decodeFloat4Array } from '../src/store/binary-array.js';
import { cosine, dot, dotRows, l2normalize } from '../src/vectors/cosine.js';
import { TopK } from '../src/vectors/top-k.js';
import { VectorMatrix } from '../src/vectors/vector-matrix.js';

const norm = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((s, x) => s + x * x, 0));

/** A seeded pseudo-random generator (mulberry32) for reproducible vectors. */
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const randomVector = (next: () => number, dim: number) =>
  l2normalize(Array.from({ length: dim }, () => next() - 0.5));

describe('cosine', () => {
  it('normalises to unit length and keeps zero vectors zero', () => {
    expect(norm(l2normalize([3, 4]))).toBeCloseTo(1, 6);
    expect(Array.from(l2normalize([3, 4]))).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    expect(Array.from(l2normalize([0, 0, 0]))).toEqual([0, 0, 0]);
  });

  it('computes cosine similarity independent of length', () => {
    expect(cosine([1, 0], [5, 0])).toBeCloseTo(1);
    expect(cosine([1, 0], [0, 2])).toBeCloseTo(0);
    expect(cosine([1, 1], [-1, -1])).toBeCloseTo(-1);
    expect(cosine([1, 2, 3], [0, 0, 0])).toBe(0);
    expect(() => cosine([1], [1, 2])).toThrow(/dimension/);
  });

  it('equals the dot product of normalised vectors, for every length (unrolled loop tail)', () => {
    const next = rng(7);
    for (const dim of [1, 3, 4, 5, 7, 512]) {
      const a = Array.from({ length: dim }, () => next() - 0.5);
      const b = Array.from({ length: dim }, () => next() - 0.5);
      expect(dot(l2normalize(a), l2normalize(b))).toBeCloseTo(cosine(a, b), 5);
    }
  });

  it('scores every row of a matrix four rows at a time, remainder rows included', () => {
    const next = rng(3);
    for (const rows of [0, 1, 3, 4, 9]) {
      const dim = 7;
      const matrix = Float32Array.from({ length: rows * dim }, () => next() - 0.5);
      const q = Float32Array.from({ length: dim }, () => next() - 0.5);
      const out = new Float64Array(rows);
      dotRows(q, matrix, rows, out);
      for (let r = 0; r < rows; r++)
        expect(out[r]).toBeCloseTo(dot(q, matrix.subarray(r * dim, (r + 1) * dim)), 6);
    }
  });
});

describe('TopK', () => {
  it('keeps the k best, best first, ties by key', () => {
    const top = new TopK<string>(3);
    for (const [score, key] of [
      [0.1, 'a'],
      [0.9, 'b'],
      [0.5, 'c'],
      [0.9, 'a2'],
      [0.2, 'd'],
      [0.7, 'e'],
    ] as const) {
      top.push(score, key, key);
    }
    expect(top.results().map((r) => r.key)).toEqual(['a2', 'b', 'e']);
    expect(top.threshold).toBe(0.7);
  });

  it('matches a full sort on random input', () => {
    const next = rng(42);
    const scores = Array.from({ length: 1000 }, (_, i) => ({
      key: `k${i}`,
      score: Math.round(next() * 100) / 100,
    }));
    const top = new TopK<null>(25);
    for (const s of scores) top.push(s.score, s.key, null);
    const expected = [...scores]
      .sort((a, b) => b.score - a.score || (a.key < b.key ? -1 : 1))
      .slice(0, 25)
      .map((s) => s.key);
    expect(top.results().map((r) => r.key)).toEqual(expected);
  });

  it('rejects k < 1', () => {
    expect(() => new TopK(0)).toThrow(RangeError);
  });
});

describe('VectorMatrix', () => {
  it('finds exactly what a brute-force cosine finds, with threshold and kind filter', () => {
    const next = rng(1);
    const m = new VectorMatrix(16, 2);
    const rows = Array.from({ length: 300 }, (_, i) => ({
      id: `id${String(i).padStart(3, '0')}`,
      kind: i % 3 === 0 ? 'note' : 'fact',
      v: randomVector(next, 16),
    }));
    for (const r of rows) m.upsert(r.id, r.kind, r.v);
    const q = randomVector(next, 16);
    const expected = rows
      .filter((r) => r.kind === 'note')
      .map((r) => ({ id: r.id, score: dot(q, r.v) }))
      .filter((r) => r.score >= 0.1)
      .sort((a, b) => b.score - a.score)
      .slice(0, 7);
    const got = m.search({ vector: q, k: 7, minScore: 0.1, kinds: new Set(['note']) });
    expect(got.map((h) => h.id)).toEqual(expected.map((e) => e.id));
    expect(got[0]?.score).toBeCloseTo(expected[0]!.score, 6);
  });

  it('replaces, removes (swapping the last row in) and re-kinds rows', () => {
    const m = new VectorMatrix(2);
    m.upsert('a', 'fact', l2normalize([1, 0]));
    m.upsert('b', 'fact', l2normalize([0, 1]));
    m.upsert('c', 'note', l2normalize([1, 1]));
    const q = l2normalize([1, 0]);
    expect(m.search({ vector: q, k: 1, minScore: -1 }).map((h) => h.id)).toEqual(['a']);
    m.upsert('a', 'fact', l2normalize([-1, 0]));
    expect(m.search({ vector: q, k: 1, minScore: -1 }).map((h) => h.id)).toEqual(['c']);
    expect(m.remove('a')).toBe(true);
    expect(m.remove('a')).toBe(false);
    expect(m.size).toBe(2);
    expect(m.search({ vector: q, k: 5, minScore: -1 }).map((h) => h.id)).toEqual(['c', 'b']);
    m.setKind('c', 'fact');
    expect(m.search({ vector: q, k: 5, minScore: -1, kinds: new Set(['note']) })).toEqual([]);
    expect(() => m.upsert('x', 'fact', new Float32Array(3))).toThrow(/dimension/);
  });
});

describe('hashing embedder', () => {
  it('is deterministic, unit length and of the configured dimension', async () => {
    const e = createHashEmbedder(256);
    expect(e.model).toBe('hash:v1-256');
    const [a, b] = await e.embed(['Hello world', 'Hello world']);
    expect(a).toHaveLength(256);
    expect(Array.from(a!)).toEqual(Array.from(b!));
    expect(norm(a!)).toBeCloseTo(1, 5);
  });

  it('tokenises case- and accent-insensitively and builds words, pairs and trigrams', () => {
    expect(tokenize('Café, CAFÉ! naïve-42')).toEqual(['cafe', 'cafe', 'naive', '42']);
    const f = features('Green tea').map(([k]) => k);
    expect(f).toContain('w:green');
    expect(f).toContain('b:green tea');
    expect(f).toContain('c:^gr');
    expect(f).toContain('c:ea$');
  });

  it('scores texts sharing words higher than unrelated texts', () => {
    const q = hashEmbed('I like to drink green tea in the morning', 512);
    const related = hashEmbed('green tea every morning', 512);
    const unrelated = hashEmbed('the quarterly budget report is late', 512);
    expect(dot(q, related)).toBeGreaterThan(0.2);
    expect(dot(q, related) - dot(q, unrelated)).toBeGreaterThan(0.2);
  });

  it('hashes with FNV-1a', () => {
    expect(fnv1a('')).toBe(0x811c9dc5);
    expect(fnv1a('a')).toBe(0xe40c292c);
  });

  it('splits large inputs into batches of maxBatch', async () => {
    const calls: number[] = [];
    const inner = createHashEmbedder(8);
    const counting = {
      ...inner,
      maxBatch: 3,
      embed: (t: readonly string[]) => {
        calls.push(t.length);
        return inner.embed(t);
      },
    };
    const out = await embedAll(counting, ['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    expect(out).toHaveLength(7);
    expect(calls).toEqual([3, 3, 1]);
  });
});

describe('embedder selection', () => {
  const none = { OLLAMA_URLS: [] as string[] };
  it('defaults to the offline sentence model', () => {
    expect(selectEmbedder(none)).toEqual({ provider: 'local' });
    expect(selectEmbedder({ ...none, ELWOSA_EMBEDDING_MODEL: '  ' })).toEqual({ provider: 'local' });
    expect(selectEmbedder({ ...none, ELWOSA_EMBEDDING_MODEL: 'local:use-lite' })).toEqual({
      provider: 'local',
    });
    // Ollama or OpenAI being configured does not pick a model by itself.
    expect(selectEmbedder({ OLLAMA_URLS: ['http://o:11434'], OPENAI_API_KEY: 'k' })).toEqual({
      provider: 'local',
    });
  });

  it('takes explicit providers and checks what they need', () => {
    expect(selectEmbedder({ ...none, ELWOSA_EMBEDDING_MODEL: 'hash' })).toEqual({
      provider: 'hash',
      dim: 512,
    });
    expect(selectEmbedder({ ...none, ELWOSA_EMBEDDING_MODEL: 'hash:64' })).toEqual({
      provider: 'hash',
      dim: 64,
    });
    expect(
      selectEmbedder({
        OLLAMA_URLS: ['http://o:11434'],
        ELWOSA_EMBEDDING_MODEL: 'ollama:nomic-embed-text:latest',
      }),
    ).toEqual({ provider: 'ollama', model: 'nomic-embed-text:latest', urls: ['http://o:11434'] });
    expect(
      selectEmbedder({
        ...none,
        OPENAI_API_KEY: 'sk',
        ELWOSA_EMBEDDING_MODEL: 'openai:text-embedding-3-small',
      }),
    ).toEqual({ provider: 'openai', model: 'text-embedding-3-small', apiKey: 'sk', baseUrl: undefined });
    expect(
      selectEmbedder({
        ...none,
        OPENAI_BASE_URL: 'http://litellm:4000/v1',
        ELWOSA_EMBEDDING_MODEL: 'openai:e5',
      }),
    ).toEqual({ provider: 'openai', model: 'e5', apiKey: 'unused', baseUrl: 'http://litellm:4000/v1' });
    for (const bad of ['ollama:x', 'openai:y', 'hash:3', 'hash:abc', 'local:bert', 'ollama:']) {
      expect(() => selectEmbedder({ ...none, ELWOSA_EMBEDDING_MODEL: bad }), bad).toThrow(
        EmbedderConfigError,
      );
    }
  });

  it('sends a bare model name to Ollama first, then OpenAI', () => {
    expect(
      selectEmbedder({
        OLLAMA_URLS: ['http://o:11434'],
        OPENAI_API_KEY: 'sk',
        ELWOSA_EMBEDDING_MODEL: 'all-minilm:l6',
      }),
    ).toMatchObject({ provider: 'ollama', model: 'all-minilm:l6' });
    expect(
      selectEmbedder({ ...none, OPENAI_API_KEY: 'sk', ELWOSA_EMBEDDING_MODEL: 'text-embedding-3-small' }),
    ).toMatchObject({
      provider: 'openai',
    });
    expect(() => selectEmbedder({ ...none, ELWOSA_EMBEDDING_MODEL: 'nomic-embed-text' })).toThrow(
      /OLLAMA_URLS/,
    );
  });
});

describe('cursors', () => {
  it('round-trips and rejects garbage', () => {
    const position = {
      createdAt: new Date('2026-01-02T03:04:05.678Z'),
      id: '0d7f1a9e-8d7b-4c1e-9f59-3f1f0c7e2b11',
    };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
    for (const bad of [
      '',
      'xyz',
      Buffer.from('2026-01-01|nope').toString('base64url'),
      Buffer.from(`x|${position.id}`).toString('base64url'),
    ]) {
      expect(() => decodeCursor(bad), bad).toThrow(/invalid cursor/);
    }
  });
});

describe('binary arrays and provider answers', () => {
  it('decodes PostgreSQL binary REAL[]', () => {
    const values = [0.5, -1.25, 3];
    const buf = Buffer.alloc(20 + values.length * 8);
    buf.writeInt32BE(1, 0);
    buf.writeInt32BE(0, 4);
    buf.writeUInt32BE(700, 8);
    buf.writeInt32BE(values.length, 12);
    buf.writeInt32BE(1, 16);
    values.forEach((v, i) => {
      buf.writeInt32BE(4, 20 + i * 8);
      buf.writeFloatBE(v, 24 + i * 8);
    });
    expect(Array.from(decodeFloat4Array(buf))).toEqual(values);
    buf.writeUInt32BE(701, 8);
    expect(() => decodeFloat4Array(buf)).toThrow(/REAL/);
  });

  it('accepts one finite vector per input of one dimension, normalised', () => {
    const [v] = acceptVectors('m', 1, undefined, [[3, 4]]);
    expect(Array.from(v!)).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    expect(() => acceptVectors('m', 2, undefined, [[1, 2]])).toThrow(EmbeddingError);
    expect(() => acceptVectors('m', 1, 3, [[1, 2]])).toThrow(/3 finite/);
    expect(() => acceptVectors('m', 2, undefined, [[1, 2], [1]])).toThrow(EmbeddingError);
    expect(() => acceptVectors('m', 1, undefined, [[1, Number.NaN]])).toThrow(EmbeddingError);
    expect(() => acceptVectors('m', 1, undefined, { data: [] })).toThrow(EmbeddingError);
  });
});

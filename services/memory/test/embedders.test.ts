// The Ollama and OpenAI embedders through the real `ollama` and `openai` packages against
// fake node:http servers: request shape, batching, ordering, failover, errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddingError } from '../src/embedding/embedder.js';
import { hashEmbed } from '../src/embedding/hash-embedder.js';
import { createOllamaEmbedder } from '../src/embedding/ollama-embedder.js';
import { createOpenAiEmbedder } from '../src/embedding/openai-embedder.js';
import { type FakeServer, startFakeOllama, startFakeOpenAi } from './support/fake-embedding-servers.js';

describe('Ollama embedder', () => {
  let a: FakeServer;
  let b: FakeServer;
  beforeAll(async () => {
    [a, b] = await Promise.all([startFakeOllama(64), startFakeOllama(64)]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });

  it('posts a batch to /api/embed with truncate: true and learns the dimension', async () => {
    const e = createOllamaEmbedder({ urls: [a.url], model: 'nomic-embed-text', timeoutMs: 5000 });
    expect(e.model).toBe('ollama:nomic-embed-text');
    expect(e.dimensions).toBeUndefined();
    const vectors = await e.embed(['first text', 'second text']);
    expect(vectors).toHaveLength(2);
    expect(Array.from(vectors[1]!)).toEqual(Array.from(hashEmbed('second text', 64)));
    expect(e.dimensions).toBe(64);
    expect(a.requests.at(-1)).toMatchObject({
      path: '/api/embed',
      body: { model: 'nomic-embed-text', input: ['first text', 'second text'], truncate: true },
    });
  });

  it('fails over to the next replica on a server error and rotates replicas', async () => {
    const e = createOllamaEmbedder({ urls: [a.url, b.url], model: 'm', timeoutMs: 5000 });
    const before = { a: a.requests.length, b: b.requests.length };
    a.failNext(503, { error: 'server busy' });
    await e.embed(['x']);
    expect(a.requests.length - before.a).toBe(1);
    expect(b.requests.length - before.b).toBe(1);
    await e.embed(['y']);
    expect(b.requests.length - before.b).toBe(2);
  });

  it('raises EmbeddingError when every replica fails or the answer is malformed', async () => {
    const e = createOllamaEmbedder({ urls: [a.url, b.url], model: 'm', timeoutMs: 5000 });
    a.failNext(500, { error: 'boom' });
    b.failNext(404, { error: 'model "m" not found' });
    await expect(e.embed(['x'])).rejects.toBeInstanceOf(EmbeddingError);
    a.failNext(200, { model: 'm', embeddings: [[1, 2]] });
    b.failNext(200, { model: 'm', embeddings: [[1, 2]] });
    await expect(e.embed(['x', 'y'])).rejects.toThrow(/expected 2 vectors/);
  });

  it('gives up on an unreachable replica list', async () => {
    const e = createOllamaEmbedder({ urls: ['http://127.0.0.1:9'], model: 'm', timeoutMs: 2000 });
    await expect(e.embed(['x'])).rejects.toBeInstanceOf(EmbeddingError);
  });
});

describe('OpenAI embedder', () => {
  let server: FakeServer;
  beforeAll(async () => {
    server = await startFakeOpenAi(48);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('asks for float vectors with the API key and orders them by index', async () => {
    const e = createOpenAiEmbedder({
      apiKey: 'sk-test',
      baseUrl: `${server.url}/v1`,
      model: 'text-embedding-3-small',
      timeoutMs: 5000,
    });
    const vectors = await e.embed(['alpha', 'beta', 'gamma']);
    expect(vectors.map((v) => Array.from(v))).toEqual(
      ['alpha', 'beta', 'gamma'].map((t) => Array.from(hashEmbed(t, 48))),
    );
    expect(e.model).toBe('openai:text-embedding-3-small');
    expect(e.dimensions).toBe(48);
    const req = server.requests.at(-1)!;
    expect(req.path).toBe('/v1/embeddings');
    expect(req.body).toMatchObject({
      model: 'text-embedding-3-small',
      input: ['alpha', 'beta', 'gamma'],
      encoding_format: 'float',
    });
    expect(req.headers.authorization).toBe('Bearer sk-test');
  });

  it('raises EmbeddingError on an API error', async () => {
    const e = createOpenAiEmbedder({ apiKey: 'k', baseUrl: `${server.url}/v1`, model: 'm', timeoutMs: 5000 });
    server.failNext(401, { error: { message: 'bad key', type: 'invalid_request_error' } });
    await expect(e.embed(['x'])).rejects.toBeInstanceOf(EmbeddingError);
  });
});

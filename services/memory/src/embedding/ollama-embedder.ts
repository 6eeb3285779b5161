// Ollama's `/api/embed` (batched input, `truncate: true` so an over-long text is cut instead
// of failing) through the `ollama` package. Several replicas (OLLAMA_URLS): requests rotate
// over them and fail over to the next one on an error.
import { Ollama } from 'ollama';
import { type Embedder, EmbeddingError } from './embedder.js';
import { acceptVectors } from './remote-vectors.js';

export interface OllamaEmbedderOptions {
  urls: readonly string[];
  /** Ollama model name, e.g. `nomic-embed-text`. */
  model: string;
  timeoutMs: number;
}

export function createOllamaEmbedder(options: OllamaEmbedderOptions): Embedder {
  if (options.urls.length === 0) throw new Error('ollama embedder: no OLLAMA_URLS');
  const fetchWithTimeout: typeof fetch = (input, init) => {
    const timeout = AbortSignal.timeout(options.timeoutMs);
    return fetch(input, {
      ...init,
      signal: init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout,
    });
  };
  const clients = options.urls.map((host) => new Ollama({ host, fetch: fetchWithTimeout }));
  const model = `ollama:${options.model}`;
  let dimensions: number | undefined;
  let next = 0;
  return {
    model,
    get dimensions() {
      return dimensions;
    },
    maxBatch: 64,
    async embed(texts) {
      if (texts.length === 0) return [];
      const start = next++ % clients.length;
      let lastError: unknown;
      for (let i = 0; i < clients.length; i++) {
        const client = clients[(start + i) % clients.length] as Ollama;
        try {
          const res = await client.embed({ model: options.model, input: [...texts], truncate: true });
          const vectors = acceptVectors(model, texts.length, dimensions, res.embeddings);
          dimensions ??= vectors[0]?.length;
          return vectors;
        } catch (err) {
          // A malformed answer is the model's fault, not the replica's: no failover.
          if (err instanceof EmbeddingError) throw err;
          lastError = err;
        }
      }
      throw new EmbeddingError(`${model}: every Ollama replica failed`, { cause: lastError });
    },
  };
}

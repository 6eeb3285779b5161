// OpenAI's `/v1/embeddings` (or any OpenAI-compatible server at OPENAI_BASE_URL) through the
// `openai` package, asking for float vectors.
import OpenAI from 'openai';
import { type Embedder, EmbeddingError } from './embedder.js';
import { acceptVectors } from './remote-vectors.js';

export interface OpenAiEmbedderOptions {
  apiKey: string;
  baseUrl?: string | undefined;
  /** e.g. `text-embedding-3-small`. */
  model: string;
  timeoutMs: number;
}

export function createOpenAiEmbedder(options: OpenAiEmbedderOptions): Embedder {
  const client = new OpenAI({
    apiKey: options.apiKey,
    ...(options.baseUrl ? { baseURL: options.baseUrl } : {}),
    timeout: options.timeoutMs,
    maxRetries: 2,
  });
  const model = `openai:${options.model}`;
  let dimensions: number | undefined;
  return {
    model,
    get dimensions() {
      return dimensions;
    },
    maxBatch: 256,
    async embed(texts) {
      if (texts.length === 0) return [];
      let res: OpenAI.Embeddings.CreateEmbeddingResponse;
      try {
        res = await client.embeddings.create({
          model: options.model,
          input: [...texts],
          encoding_format: 'float',
        });
      } catch (err) {
        throw new EmbeddingError(`${model}: ${err instanceof Error ? err.message : String(err)}`, {
          cause: err,
        });
      }
      const ordered = [...res.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
      const vectors = acceptVectors(model, texts.length, dimensions, ordered);
      dimensions ??= vectors[0]?.length;
      return vectors;
    },
  };
}

// One interface in front of every embedding provider. Vectors come back L2-normalised
// (float32) from every embedder, so similarity is a dot product everywhere.

export interface Embedder {
  /**
   * The vector space: provider and model, e.g. `hash:v1`, `local:use-lite`,
   * `ollama:nomic-embed-text`. Stored with every vector; vectors of different models are never
   * compared.
   */
  readonly model: string;
  /** Known up front, or `undefined` until the provider's first answer. */
  readonly dimensions: number | undefined;
  /** Most texts per call; callers split larger batches. */
  readonly maxBatch: number;
  embed(texts: readonly string[]): Promise<Float32Array[]>;
  close?(): Promise<void>;
}

/** The provider failed or answered nonsense; the memory is kept and embedded later. */
export class EmbeddingError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EmbeddingError';
  }
}

/** Embeds any number of texts in chunks of the embedder's `maxBatch`. */
export async function embedAll(embedder: Embedder, texts: readonly string[]): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (let i = 0; i < texts.length; i += embedder.maxBatch) {
    out.push(...(await embedder.embed(texts.slice(i, i + embedder.maxBatch))));
  }
  return out;
}

export async function embedOne(embedder: Embedder, text: string): Promise<Float32Array> {
  const [vector] = await embedder.embed([text]);
  if (!vector) throw new EmbeddingError(`${embedder.model} returned no vector`);
  return vector;
}

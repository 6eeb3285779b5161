// Everything the memory use cases share.
import type { CacheBus } from '@elwosa/runtime';
import type { Logger } from 'pino';
import type { Embedder } from '../embedding/embedder.js';
import type { MemoryStore } from '../store/db.js';
import type { VectorSearch } from '../store/vector-search.js';

export interface MemoryContext {
  store: MemoryStore;
  embedder: Embedder;
  vectors: VectorSearch;
  cache: CacheBus;
  logger: Logger;
}

// Builds the embedder a choice (select.ts) names.
import type { Embedder } from './embedder.js';
import { createHashEmbedder } from './hash-embedder.js';
import { createLocalUseEmbedder } from './local-use-embedder.js';
import { createOllamaEmbedder } from './ollama-embedder.js';
import { createOpenAiEmbedder } from './openai-embedder.js';
import type { EmbedderChoice } from './select.js';

export function createEmbedder(choice: EmbedderChoice, timeoutMs: number): Embedder {
  switch (choice.provider) {
    case 'hash':
      return createHashEmbedder(choice.dim);
    case 'local':
      return createLocalUseEmbedder();
    case 'ollama':
      return createOllamaEmbedder({ urls: choice.urls, model: choice.model, timeoutMs });
    case 'openai':
      return createOpenAiEmbedder({
        apiKey: choice.apiKey,
        baseUrl: choice.baseUrl,
        model: choice.model,
        timeoutMs,
      });
  }
}

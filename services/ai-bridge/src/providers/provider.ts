// One interface in front of every model provider. A call gets its own AbortSignal (client
// disconnect, explicit stop, timeouts) and, for Ollama, the replica to use; the stream it
// returns yields normalised events and throws a ProviderError on failure.
import type { ChatRequest, EmbeddingResult, ProviderName, StreamEvent } from '../domain/types.js';

export interface CallTarget {
  /** Replica base URL (Ollama) or the provider's base URL (OpenAI). */
  baseUrl: string;
  signal: AbortSignal;
}

export interface ModelProvider {
  readonly name: ProviderName;
  chat(request: ChatRequest, target: CallTarget): AsyncIterable<StreamEvent>;
  /** `dimensions` shortens the vectors where the model supports it. */
  embed(model: string, input: string[], target: CallTarget, dimensions?: number): Promise<EmbeddingResult>;
}

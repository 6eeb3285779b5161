// Ollama through the official `ollama` package: one client (and so one abortable iterator)
// per call, pointed at the replica the router chose, errors turned into ProviderErrors. Also
// the replica probes (`/api/version`, `/api/tags`, `/api/ps`) and `/api/show` for a model's
// context length.
import { type AbortableAsyncIterator, type ChatResponse, Ollama } from 'ollama/browser';
import type { Dispatcher } from 'undici';
import type { ChatRequest, EmbeddingResult, StreamEvent } from '../domain/types.js';
import { ProviderError } from '../domain/types.js';
import { type OllamaChatChunk, OllamaChunkNormaliser, toOllamaRequest } from './ollama-mapping.js';
import type { CallTarget, ModelProvider } from './provider.js';
import { abortError, fetchWithSignal, isTransportError } from './transport.js';

const TRUNCATED = 'Did not receive done or success response in stream.';

/** Classifies an error thrown by the ollama client; `started` once the NDJSON body was open. */
export function ollamaError(err: unknown, signal: AbortSignal, started: boolean): ProviderError {
  if (err instanceof ProviderError) return err;
  if (signal.aborted) return abortError(signal);
  const status = (err as { status_code?: unknown }).status_code;
  const message = err instanceof Error ? err.message : String(err);
  if (typeof status === 'number') return new ProviderError('status', message, { status, cause: err });
  if (message === TRUNCATED)
    return new ProviderError('truncated', 'the stream ended without `done`', { cause: err });
  if (isTransportError(err)) return new ProviderError('connect', message, { cause: err });
  return new ProviderError(started ? 'midstream' : 'connect', message, { cause: err });
}

export interface ReplicaProbe {
  version: string;
  models: string[];
  loaded: string[];
}

export class OllamaProvider implements ModelProvider {
  readonly name = 'ollama' as const;
  private readonly dispatcher: Dispatcher;

  constructor(dispatcher: Dispatcher) {
    this.dispatcher = dispatcher;
  }

  private client(target: CallTarget): Ollama {
    return new Ollama({ host: target.baseUrl, fetch: fetchWithSignal(this.dispatcher, target.signal) });
  }

  async *chat(request: ChatRequest, target: CallTarget): AsyncIterable<StreamEvent> {
    const normaliser = new OllamaChunkNormaliser(Math.random().toString(36).slice(2, 10));
    let iterator: AbortableAsyncIterator<ChatResponse>;
    try {
      iterator = await this.client(target).chat({ ...toOllamaRequest(request, true), stream: true });
    } catch (err) {
      throw ollamaError(err, target.signal, false);
    }
    const onAbort = () => iterator.abort();
    target.signal.addEventListener('abort', onAbort, { once: true });
    try {
      for await (const chunk of iterator) {
        for (const event of normaliser.feed(chunk as OllamaChatChunk)) yield event;
        if (normaliser.finished) return;
      }
    } catch (err) {
      throw ollamaError(err, target.signal, true);
    } finally {
      target.signal.removeEventListener('abort', onAbort);
      // The consumer stopped early (or failed): close the upstream socket.
      if (!normaliser.finished) iterator.abort();
    }
  }

  async embed(
    model: string,
    input: string[],
    target: CallTarget,
    dimensions?: number,
  ): Promise<EmbeddingResult> {
    try {
      const res = await this.client(target).embed({
        model,
        input,
        truncate: true,
        ...(dimensions !== undefined ? { dimensions } : {}),
      });
      return { vectors: res.embeddings, inputTokens: res.prompt_eval_count };
    } catch (err) {
      throw ollamaError(err, target.signal, false);
    }
  }

  async probe(baseUrl: string, timeoutMs: number): Promise<ReplicaProbe> {
    const client = this.client({ baseUrl, signal: AbortSignal.timeout(timeoutMs) });
    const [version, tags, ps] = await Promise.all([client.version(), client.list(), client.ps()]);
    return {
      version: version.version,
      models: tags.models.map((m) => m.name),
      loaded: ps.models.map((m) => m.name),
    };
  }

  /** The model's context length from `/api/show` (`<arch>.context_length`), if it reports one. */
  async contextLength(baseUrl: string, model: string, timeoutMs: number): Promise<number | undefined> {
    const client = this.client({ baseUrl, signal: AbortSignal.timeout(timeoutMs) });
    const show = await client.show({ model });
    const info = show.model_info as unknown as Record<string, unknown>;
    for (const [key, value] of Object.entries(info ?? {})) {
      if (key.endsWith('.context_length') && typeof value === 'number') return value;
    }
    return undefined;
  }
}

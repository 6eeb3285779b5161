// OpenAI (or any OpenAI-compatible server) through the official `openai` package, with its own
// retries off (`maxRetries: 0`): the bridge's router decides about retries. Each stream has its
// own iterator and AbortSignal.
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { type Dispatcher, fetch as undiciFetch } from 'undici';
import type { ChatRequest, EmbeddingResult, StreamEvent } from '../domain/types.js';
import { ProviderError } from '../domain/types.js';
import { OpenAIChunkNormaliser, toOpenAIRequest } from './openai-mapping.js';
import type { CallTarget, ModelProvider } from './provider.js';
import { abortError, type FetchLike, parseRetryAfter } from './transport.js';

export function openaiError(err: unknown, signal: AbortSignal): ProviderError {
  if (err instanceof ProviderError) return err;
  if (signal.aborted || err instanceof APIUserAbortError) return abortError(signal);
  if (err instanceof APIConnectionTimeoutError)
    return new ProviderError('timeout', err.message, { cause: err });
  if (err instanceof APIConnectionError) return new ProviderError('connect', err.message, { cause: err });
  if (err instanceof APIError) {
    if (err.status === undefined) return new ProviderError('midstream', err.message, { cause: err });
    const retryAfter = parseRetryAfter(err.headers?.get('retry-after'));
    return new ProviderError('status', err.message, {
      status: err.status,
      ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}),
      cause: err,
    });
  }
  if (err instanceof SyntaxError) return new ProviderError('midstream', err.message, { cause: err });
  return new ProviderError('connect', err instanceof Error ? err.message : String(err), { cause: err });
}

export interface OpenAIProviderOptions {
  apiKey: string;
  baseUrl: string | undefined;
  dispatcher: Dispatcher;
}

export class OpenAIProvider implements ModelProvider {
  readonly name = 'openai' as const;
  readonly baseUrl: string;
  private readonly client: OpenAI;

  constructor(options: OpenAIProviderOptions) {
    this.baseUrl = options.baseUrl ?? 'https://api.openai.com/v1';
    this.client = new OpenAI({
      apiKey: options.apiKey,
      baseURL: this.baseUrl,
      maxRetries: 0,
      timeout: 10 * 60_000,
      fetch: ((input: string | URL, init?: RequestInit) =>
        undiciFetch(input, { ...(init as object), dispatcher: options.dispatcher })) as unknown as FetchLike,
    });
  }

  async *chat(request: ChatRequest, target: CallTarget): AsyncIterable<StreamEvent> {
    const normaliser = new OpenAIChunkNormaliser();
    let stream: Awaited<ReturnType<OpenAI['chat']['completions']['create']>> & AsyncIterable<never>;
    try {
      stream = (await this.client.chat.completions.create(toOpenAIRequest(request), {
        signal: target.signal,
      })) as typeof stream;
    } catch (err) {
      throw openaiError(err, target.signal);
    }
    try {
      for await (const chunk of stream) {
        for (const event of normaliser.feed(chunk)) yield event;
      }
    } catch (err) {
      throw openaiError(err, target.signal);
    }
    const end = normaliser.end();
    if (!end) throw new ProviderError('truncated', 'the stream ended without a finish reason');
    for (const event of end) yield event;
  }

  async embed(
    model: string,
    input: string[],
    target: CallTarget,
    dimensions?: number,
  ): Promise<EmbeddingResult> {
    try {
      const res = await this.client.embeddings.create(
        { model, input, encoding_format: 'float', ...(dimensions !== undefined ? { dimensions } : {}) },
        { signal: target.signal },
      );
      return { vectors: res.data.map((d) => d.embedding), inputTokens: res.usage?.prompt_tokens };
    } catch (err) {
      throw openaiError(err, target.signal);
    }
  }

  async listModels(timeoutMs: number): Promise<string[]> {
    const page = await this.client.models.list({ timeout: timeoutMs });
    return page.data.map((m) => m.id);
  }
}

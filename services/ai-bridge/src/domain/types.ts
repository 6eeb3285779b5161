// The bridge's provider-neutral model of a chat call: one request shape, and one stream of
// events every provider is normalised into (text deltas, whole tool calls, usage, done). Errors
// end a provider stream by throwing a ProviderError; the bridge turns them into an `error`
// event or a problem answer.

export type Role = 'system' | 'user' | 'assistant' | 'tool';

export interface ToolCall {
  id: string;
  name: string;
  /** JSON text of the arguments (OpenAI's form; Ollama's objects are serialised). */
  arguments: string;
}

export interface ChatMessage {
  role: Role;
  content: string;
  /** OpenAI's optional participant name; `pinned…` marks a message trimming must keep. */
  name?: string;
  toolCalls?: ToolCall[];
  /** Tool results: the call they answer. */
  toolCallId?: string;
}

export interface ToolSpec {
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  tools?: ToolSpec[];
  toolChoice?: unknown;
  temperature?: number;
  topP?: number;
  seed?: number;
  maxTokens?: number;
  stop?: string[];
  responseFormat?: unknown;
  /** Ollama's context window for this call (`options.num_ctx`). */
  numCtx?: number;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
}

export type StreamEvent =
  | { type: 'text'; text: string }
  | { type: 'tool_call'; index: number; call: ToolCall }
  | { type: 'usage'; usage: Usage }
  | { type: 'done'; finishReason: FinishReason };

/** What the bridge hands to its clients: the provider events, plus a terminal error. */
export type BridgeEvent = StreamEvent | { type: 'error'; message: string; code: string };

export type ProviderName = 'ollama' | 'openai';

export type FailureKind =
  /** Could not connect / the connection broke before the response. */
  | 'connect'
  /** The provider answered with an error status (see `status`). */
  | 'status'
  /** HTTP 200, then an in-stream error. */
  | 'midstream'
  /** The stream ended without its end marker. */
  | 'truncated'
  /** Connect, first-token, idle or total timeout. */
  | 'timeout'
  /** Our side aborted (client left, explicit stop). */
  | 'aborted';

export class ProviderError extends Error {
  readonly kind: FailureKind;
  readonly status: number | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    kind: FailureKind,
    message: string,
    options: { status?: number; retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ProviderError';
    this.kind = kind;
    this.status = options.status;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export interface EmbeddingResult {
  vectors: number[][];
  inputTokens: number | undefined;
}

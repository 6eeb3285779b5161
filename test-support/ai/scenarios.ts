// Scripted answers shared by the fake Ollama and fake OpenAI servers. A scenario says *what*
// happens to one chat request; each fake renders it in its own wire protocol (NDJSON with a
// `done` trailer, or SSE with `[DONE]`). Tests pick scenarios per request with a responder, or
// queue one-shot scenarios with `next()`.

export interface FakeToolCall {
  name: string;
  /** Ollama sends this object as is; OpenAI sends it as JSON text split into fragments. */
  arguments: Record<string, unknown>;
}

export type FakeScenario =
  /** A normal answer: `chunks` of text (then `toolCalls`), each after `delayMs`. */
  | {
      type: 'reply';
      chunks: string[];
      toolCalls?: FakeToolCall[];
      /** Before every chunk (default 0). */
      delayMs?: number;
      /** Before the first chunk only, on top of `delayMs` (slow time to first token). */
      firstChunkDelayMs?: number;
      finishReason?: 'stop' | 'length';
      /** OpenAI only: leave the usage chunk out even when `include_usage` was asked for. */
      omitUsage?: boolean;
    }
  /** HTTP 200, some chunks, then the protocol's in-stream error (`{"error"}` line / SSE error event). */
  | { type: 'error-midstream'; chunks: string[]; message: string; delayMs?: number }
  /** HTTP 200, some chunks, then the connection ends without `done` / `[DONE]`. */
  | { type: 'truncated'; chunks: string[]; delayMs?: number }
  /** An error before the stream: status and message (Retry-After when given). */
  | { type: 'http-error'; status: number; message: string; retryAfterSeconds?: number }
  /** Accepts the request and never answers (for timeouts and aborts). */
  | { type: 'hang' };

export const scenarios = {
  reply: (text: string, options: Omit<Extract<FakeScenario, { type: 'reply' }>, 'type' | 'chunks'> = {}) =>
    ({ type: 'reply', chunks: splitWords(text), ...options }) satisfies FakeScenario,
  toolCalls: (calls: FakeToolCall[], text = '') =>
    ({ type: 'reply', chunks: text ? splitWords(text) : [], toolCalls: calls }) satisfies FakeScenario,
  slow: (text: string, delayMs: number) =>
    ({ type: 'reply', chunks: splitWords(text), delayMs }) satisfies FakeScenario,
  errorMidstream: (chunks: string[], message = 'an error was encountered while running the model') =>
    ({ type: 'error-midstream', chunks, message }) satisfies FakeScenario,
  truncated: (chunks: string[]) => ({ type: 'truncated', chunks }) satisfies FakeScenario,
  /** Ollama's queue-full answer. */
  busy: () =>
    ({
      type: 'http-error',
      status: 503,
      message: 'server busy, please try again.  maximum pending requests exceeded',
    }) satisfies FakeScenario,
  modelNotFound: (model: string) =>
    ({
      type: 'http-error',
      status: 404,
      message: `model "${model}" not found, try pulling it first`,
    }) satisfies FakeScenario,
  rateLimited: (retryAfterSeconds: number) =>
    ({
      type: 'http-error',
      status: 429,
      message: 'Rate limit reached for requests',
      retryAfterSeconds,
    }) satisfies FakeScenario,
  hang: () => ({ type: 'hang' }) satisfies FakeScenario,
};

/** "a b c" → ["a", " b", " c"]: word-sized deltas that join back to the text. */
export function splitWords(text: string): string[] {
  return text.match(/\s*\S+/g) ?? (text ? [text] : []);
}

/** The default answer of both fakes: echoes the last user message, so answers are checkable. */
export function echoReply(messages: readonly { role?: string; content?: unknown }[]): FakeScenario {
  const last = [...messages].reverse().find((m) => m.role === 'user');
  const text = typeof last?.content === 'string' ? last.content : JSON.stringify(last?.content ?? '');
  return scenarios.reply(`Echo: ${text}`);
}

/** A rough prompt token count the fakes report (≈ 4 characters per token, like real tokenizers). */
export function fakeTokenCount(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/** A deterministic unit vector for `text` (same text → same vector), `dim` long. */
export function fakeEmbedding(text: string, dim: number): number[] {
  const v = new Array<number>(dim).fill(0);
  for (let i = 0; i < text.length; i++) v[i % dim]! += ((text.charCodeAt(i) * (i + 7)) % 97) - 48;
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => x / norm);
}

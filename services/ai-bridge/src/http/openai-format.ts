// The bridge's events and results in OpenAI's wire format (pure): `chat.completion.chunk`s for
// SSE (tool calls are sent whole, in one delta per call, as Ollama's own /v1 does), the final
// usage chunk, a whole `chat.completion`, and embedding lists (float or base64).
import type { BridgeEvent, FinishReason, ToolCall, Usage } from '../domain/types.js';

export interface CompletionMeta {
  id: string;
  created: number;
  model: string;
}

export interface OpenAIUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
}

export function openaiUsage(u: Usage): OpenAIUsage {
  return {
    prompt_tokens: u.inputTokens,
    completion_tokens: u.outputTokens,
    total_tokens: u.inputTokens + u.outputTokens,
    prompt_tokens_details: { cached_tokens: u.cachedTokens },
  };
}

const chunk = (meta: CompletionMeta, choices: unknown[], extra: Record<string, unknown> = {}) => ({
  id: meta.id,
  object: 'chat.completion.chunk',
  created: meta.created,
  model: meta.model,
  system_fingerprint: null,
  choices,
  ...extra,
});

const choice = (delta: Record<string, unknown>, finishReason: FinishReason | null = null) => ({
  index: 0,
  delta,
  logprobs: null,
  finish_reason: finishReason,
});

export const roleChunk = (meta: CompletionMeta) => chunk(meta, [choice({ role: 'assistant', content: '' })]);

/** The chunk for one event; undefined for events that are not sent as a chunk (usage, error). */
export function eventChunk(meta: CompletionMeta, event: BridgeEvent): object | undefined {
  switch (event.type) {
    case 'text':
      return chunk(meta, [choice({ content: event.text })]);
    case 'tool_call':
      return chunk(meta, [
        choice({
          tool_calls: [
            {
              index: event.index,
              id: event.call.id,
              type: 'function',
              function: { name: event.call.name, arguments: event.call.arguments },
            },
          ],
        }),
      ]);
    case 'done':
      return chunk(meta, [choice({}, event.finishReason)]);
    default:
      return undefined;
  }
}

export const usageChunk = (meta: CompletionMeta, usage: Usage) =>
  chunk(meta, [], { usage: openaiUsage(usage) });

export const errorPayload = (message: string, code: string) => ({
  error: { message, type: 'server_error', code, param: null },
});

export function completionBody(
  meta: CompletionMeta,
  result: { text: string; toolCalls: ToolCall[]; finishReason: FinishReason; usage: Usage },
) {
  return {
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: meta.model,
    system_fingerprint: null,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: result.toolCalls.length && !result.text ? null : result.text,
          refusal: null,
          ...(result.toolCalls.length
            ? {
                tool_calls: result.toolCalls.map((c) => ({
                  id: c.id,
                  type: 'function',
                  function: { name: c.name, arguments: c.arguments },
                })),
              }
            : {}),
        },
        logprobs: null,
        finish_reason: result.finishReason,
      },
    ],
    usage: openaiUsage(result.usage),
  };
}

export function embeddingsBody(
  model: string,
  vectors: number[][],
  encoding: 'float' | 'base64',
  inputTokens: number,
) {
  return {
    object: 'list',
    data: vectors.map((v, index) => ({
      object: 'embedding',
      index,
      embedding: encoding === 'base64' ? Buffer.from(new Float32Array(v).buffer).toString('base64') : v,
    })),
    model,
    usage: { prompt_tokens: inputTokens, total_tokens: inputTokens },
  };
}

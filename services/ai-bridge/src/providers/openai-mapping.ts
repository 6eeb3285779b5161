// Pure translation between the bridge's model and OpenAI's chat completions: requests (tool
// results carry `tool_call_id`, arguments stay JSON text, `include_usage` always on), and SSE
// chunks into normalised events — tool-call argument fragments are accumulated per `index` and
// emitted whole when the turn finishes; the usage chunk (`choices: []`) becomes a usage event.
import type {
  ChatCompletionChunk,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import type { ChatMessage, ChatRequest, FinishReason, StreamEvent, ToolCall } from '../domain/types.js';

export function toOpenAIMessages(messages: readonly ChatMessage[]): ChatCompletionMessageParam[] {
  return messages.map((m): ChatCompletionMessageParam => {
    switch (m.role) {
      case 'tool':
        return { role: 'tool', content: m.content, tool_call_id: m.toolCallId ?? '' };
      case 'assistant':
        return {
          role: 'assistant',
          content: m.content,
          ...(m.name ? { name: m.name } : {}),
          ...(m.toolCalls?.length
            ? {
                tool_calls: m.toolCalls.map((c) => ({
                  id: c.id,
                  type: 'function' as const,
                  function: { name: c.name, arguments: c.arguments },
                })),
              }
            : {}),
        };
      default:
        return { role: m.role, content: m.content, ...(m.name ? { name: m.name } : {}) };
    }
  });
}

export function toOpenAIRequest(request: ChatRequest): ChatCompletionCreateParamsStreaming {
  return {
    model: request.model,
    messages: toOpenAIMessages(request.messages),
    stream: true,
    stream_options: { include_usage: true },
    ...(request.tools?.length
      ? {
          tools: request.tools.map((t) => ({
            type: 'function' as const,
            function: {
              name: t.name,
              ...(t.description ? { description: t.description } : {}),
              ...(t.parameters ? { parameters: t.parameters } : {}),
            },
          })),
        }
      : {}),
    ...(request.toolChoice !== undefined
      ? { tool_choice: request.toolChoice as ChatCompletionCreateParamsStreaming['tool_choice'] }
      : {}),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.topP !== undefined ? { top_p: request.topP } : {}),
    ...(request.seed !== undefined ? { seed: request.seed } : {}),
    ...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens } : {}),
    ...(request.stop?.length ? { stop: request.stop } : {}),
    ...(request.responseFormat !== undefined
      ? { response_format: request.responseFormat as ChatCompletionCreateParamsStreaming['response_format'] }
      : {}),
  };
}

const FINISH_REASONS: ReadonlySet<string> = new Set(['stop', 'length', 'tool_calls', 'content_filter']);

/** Turns SSE chunks into events; one instance per stream. */
export class OpenAIChunkNormaliser {
  private readonly calls = new Map<number, ToolCall>();
  private finishReason: FinishReason | undefined;
  private usageSeen = false;

  feed(chunk: Pick<ChatCompletionChunk, 'choices' | 'usage'>): StreamEvent[] {
    const events: StreamEvent[] = [];
    const choice = chunk.choices[0];
    const delta = choice?.delta;
    if (delta?.content) events.push({ type: 'text', text: delta.content });
    for (const fragment of delta?.tool_calls ?? []) {
      const call = this.calls.get(fragment.index) ?? { id: '', name: '', arguments: '' };
      if (fragment.id) call.id = fragment.id;
      if (fragment.function?.name) call.name += fragment.function.name;
      if (fragment.function?.arguments) call.arguments += fragment.function.arguments;
      this.calls.set(fragment.index, call);
    }
    if (choice?.finish_reason) {
      this.finishReason = FINISH_REASONS.has(choice.finish_reason)
        ? (choice.finish_reason as FinishReason)
        : 'stop';
      events.push(...this.flushToolCalls());
    }
    if (chunk.usage && !this.usageSeen) {
      this.usageSeen = true;
      events.push({
        type: 'usage',
        usage: {
          inputTokens: chunk.usage.prompt_tokens,
          outputTokens: chunk.usage.completion_tokens,
          cachedTokens: chunk.usage.prompt_tokens_details?.cached_tokens ?? 0,
        },
      });
    }
    return events;
  }

  /** At `[DONE]`: the final event, or undefined when no finish reason ever came (truncated). */
  end(): StreamEvent[] | undefined {
    if (!this.finishReason) return undefined;
    return [...this.flushToolCalls(), { type: 'done', finishReason: this.finishReason }];
  }

  private flushToolCalls(): StreamEvent[] {
    const events: StreamEvent[] = [...this.calls.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, call]) => ({ type: 'tool_call', index, call }));
    this.calls.clear();
    return events;
  }
}

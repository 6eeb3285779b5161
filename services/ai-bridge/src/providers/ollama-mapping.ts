// Pure translation between the bridge's model and Ollama's native `/api/chat`: requests (tool
// results carry `tool_name`, tool-call arguments are objects, sampling goes into `options`
// with `num_ctx`), and NDJSON chunks into normalised events (whole tool calls, the `done`
// trailer's `prompt_eval_count` / `eval_count` as usage).
import type {
  ChatRequest as OllamaChatRequest,
  Message as OllamaMessage,
  Tool as OllamaTool,
} from 'ollama/browser';
import type { ChatMessage, ChatRequest, FinishReason, StreamEvent } from '../domain/types.js';

function parseArguments(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text || '{}');
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

export function toOllamaMessages(messages: readonly ChatMessage[]): OllamaMessage[] {
  const toolNames = new Map<string, string>();
  return messages.map((m) => {
    const out: OllamaMessage = { role: m.role, content: m.content };
    if (m.toolCalls?.length) {
      for (const c of m.toolCalls) toolNames.set(c.id, c.name);
      out.tool_calls = m.toolCalls.map((c) => ({
        function: { name: c.name, arguments: parseArguments(c.arguments) },
      }));
    }
    if (m.role === 'tool') {
      const name = (m.toolCallId && toolNames.get(m.toolCallId)) ?? m.name;
      if (name) out.tool_name = name;
    }
    return out;
  });
}

function formatOf(responseFormat: unknown): string | object | undefined {
  if (!responseFormat || typeof responseFormat !== 'object') return undefined;
  const rf = responseFormat as { type?: string; json_schema?: { schema?: object } };
  if (rf.type === 'json_object') return 'json';
  if (rf.type === 'json_schema' && rf.json_schema?.schema) return rf.json_schema.schema;
  return undefined;
}

export function toOllamaRequest(
  request: ChatRequest,
  stream: boolean,
): OllamaChatRequest & { stream: boolean } {
  const options: Record<string, unknown> = {};
  if (request.temperature !== undefined) options.temperature = request.temperature;
  if (request.topP !== undefined) options.top_p = request.topP;
  if (request.seed !== undefined) options.seed = request.seed;
  if (request.maxTokens !== undefined) options.num_predict = request.maxTokens;
  if (request.stop?.length) options.stop = request.stop;
  if (request.numCtx !== undefined) options.num_ctx = request.numCtx;
  const format = formatOf(request.responseFormat);
  return {
    model: request.model,
    messages: toOllamaMessages(request.messages),
    stream,
    ...(request.tools?.length
      ? {
          tools: request.tools.map(
            (t): OllamaTool => ({
              type: 'function',
              function: {
                name: t.name,
                ...(t.description ? { description: t.description } : {}),
                ...(t.parameters
                  ? { parameters: t.parameters as NonNullable<OllamaTool['function']['parameters']> }
                  : {}),
              },
            }),
          ),
        }
      : {}),
    ...(format !== undefined ? { format } : {}),
    ...(Object.keys(options).length ? { options } : {}),
  };
}

/** The fields of an NDJSON chat line the bridge reads. */
export interface OllamaChatChunk {
  message?: {
    content?: string;
    tool_calls?: { id?: string; function?: { name?: string; arguments?: unknown } }[];
  };
  done?: boolean;
  done_reason?: string;
  prompt_eval_count?: number;
  eval_count?: number;
}

/** Turns NDJSON chat lines into events; one instance per stream. */
export class OllamaChunkNormaliser {
  private toolCalls = 0;
  private readonly idPrefix: string;
  finished = false;

  constructor(idPrefix: string) {
    this.idPrefix = idPrefix;
  }

  feed(chunk: OllamaChatChunk): StreamEvent[] {
    const events: StreamEvent[] = [];
    const content = chunk.message?.content;
    if (content) events.push({ type: 'text', text: content });
    for (const call of chunk.message?.tool_calls ?? []) {
      const index = this.toolCalls++;
      const args = call.function?.arguments;
      events.push({
        type: 'tool_call',
        index,
        call: {
          id: call.id || `call_${this.idPrefix}_${index}`,
          name: call.function?.name ?? '',
          arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}),
        },
      });
    }
    if (chunk.done) {
      this.finished = true;
      if (chunk.prompt_eval_count !== undefined || chunk.eval_count !== undefined) {
        events.push({
          type: 'usage',
          usage: {
            inputTokens: chunk.prompt_eval_count ?? 0,
            outputTokens: chunk.eval_count ?? 0,
            cachedTokens: 0,
          },
        });
      }
      events.push({ type: 'done', finishReason: this.finishReason(chunk.done_reason) });
    }
    return events;
  }

  private finishReason(doneReason: string | undefined): FinishReason {
    if (this.toolCalls > 0) return 'tool_calls';
    return doneReason === 'length' ? 'length' : 'stop';
  }
}

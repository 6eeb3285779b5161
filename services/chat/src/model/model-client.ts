// Calls the model through ai-bridge's OpenAI-compatible API with the official `openai` client,
// as the user (their access token is the bearer), one client per call, no SDK retries (the
// bridge retries before the first byte), an AbortSignal per stream, and the conversation id
// for replica affinity. Problem+json errors are reshaped into OpenAI's error body so the SDK's
// APIError carries their detail.
import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { classifyModelError, ModelError } from './model-errors.js';
import { type ModelToolCall, ToolCallAccumulator } from './tool-call-accumulator.js';

export const CONVERSATION_HEADER = 'x-elwosa-conversation-id';

export interface ModelUsage {
  promptTokens: number;
  completionTokens: number;
}

export interface StreamResult {
  /** stop | length | tool_calls … as the provider said. */
  finishReason: string;
  toolCalls: ModelToolCall[];
  usage: ModelUsage | undefined;
}

export interface ChatRequest {
  model: string;
  messages: ChatCompletionMessageParam[];
  tools?: ChatCompletionTool[];
  conversationId?: string;
  signal: AbortSignal;
}

export interface JsonRequest {
  model: string;
  messages: ChatCompletionMessageParam[];
  schemaName: string;
  schema: Record<string, unknown>;
  signal?: AbortSignal;
}

export interface ModelClient {
  /** Streams one completion; `onText` gets every text delta. Throws on failure (see model-errors). */
  stream(request: ChatRequest, onText: (text: string) => void): Promise<StreamResult>;
  /** One non-streaming completion constrained to a JSON schema; resolves the parsed JSON. */
  json(request: JsonRequest): Promise<unknown>;
  /** The first model the bridge offers (when no default model is configured). */
  firstModel(signal?: AbortSignal): Promise<string | undefined>;
}

/** Turns a problem+json error answer into `{ error: { message } }`, which the SDK understands. */
async function problemAwareFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const res = await fetch(input, init);
  if (res.ok || !res.headers.get('content-type')?.includes('application/problem+json')) return res;
  const problem = (await res.json().catch(() => ({}))) as { detail?: unknown; title?: unknown };
  const message =
    typeof problem.detail === 'string' ? problem.detail : String(problem.title ?? res.statusText);
  const headers = new Headers(res.headers);
  headers.set('content-type', 'application/json');
  headers.delete('content-length');
  return new Response(JSON.stringify({ error: { message, type: 'problem', code: String(res.status) } }), {
    status: res.status,
    statusText: res.statusText,
    headers,
  });
}

export function createModelClient(options: { baseUrl: string; authorization: string }): ModelClient {
  const apiKey = options.authorization.replace(/^Bearer\s+/i, '');
  const client = (conversationId?: string) =>
    new OpenAI({
      baseURL: `${options.baseUrl}/v1`,
      apiKey,
      maxRetries: 0,
      timeout: 10 * 60_000,
      fetch: problemAwareFetch,
      ...(conversationId ? { defaultHeaders: { [CONVERSATION_HEADER]: conversationId } } : {}),
    });

  /** Every failure leaves the client as a ModelError. */
  const classified = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (err) {
      throw classifyModelError(err);
    }
  };

  return {
    stream: (request, onText) =>
      classified(async () => {
        const stream = await client(request.conversationId).chat.completions.create(
          {
            model: request.model,
            messages: request.messages,
            stream: true,
            stream_options: { include_usage: true },
            ...(request.tools?.length ? { tools: request.tools } : {}),
          },
          { signal: request.signal },
        );
        const calls = new ToolCallAccumulator();
        let finishReason: string | undefined;
        let usage: ModelUsage | undefined;
        for await (const chunk of stream) {
          const choice = chunk.choices[0];
          if (choice?.delta?.content) onText(choice.delta.content);
          if (choice?.delta?.tool_calls) calls.add(choice.delta.tool_calls);
          if (choice?.finish_reason) finishReason = choice.finish_reason;
          if (chunk.usage)
            usage = {
              promptTokens: chunk.usage.prompt_tokens,
              completionTokens: chunk.usage.completion_tokens,
            };
        }
        // Ended without a finish reason: the stream was cut off (no `[DONE]` or finish chunk).
        if (finishReason === undefined) throw new ModelError('model_error', "The model's answer broke off.");
        return { finishReason, toolCalls: calls.result(), usage };
      }),

    json: (request) =>
      classified(async () => {
        const completion = await client().chat.completions.create(
          {
            model: request.model,
            messages: request.messages,
            temperature: 0,
            response_format: {
              type: 'json_schema',
              json_schema: { name: request.schemaName, schema: request.schema, strict: true },
            },
          },
          request.signal ? { signal: request.signal } : {},
        );
        const text = completion.choices[0]?.message?.content ?? '';
        try {
          return JSON.parse(stripFence(text)) as unknown;
        } catch {
          throw new ModelError('invalid_output', 'The model did not answer with JSON.');
        }
      }),

    firstModel: (signal) =>
      classified(async () => {
        const page = await client().models.list(signal ? { signal } : {});
        return page.data[0]?.id;
      }),
  };
}

/** Models sometimes wrap JSON in a markdown fence despite the response format. */
export function stripFence(text: string): string {
  const m = text.trim().match(/^```(?:json)?\s*([\s\S]*?)\s*```$/);
  return m ? m[1]! : text.trim();
}

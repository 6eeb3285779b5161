// The ai-bridge's HTTP API as data. `/v1/*` is OpenAI's chat completions, embeddings and
// models API (fields the bridge does not use are accepted and ignored, as OpenAI-compatible
// servers do), with personal API keys allowed; `/api/ai/*` is ELWOSA's own.
import { defineRoute, type RouteSpec } from '@elwosa/runtime';
import { z } from 'zod';

const TextPart = z.looseObject({ type: z.string(), text: z.string().optional() });

export const ChatMessageBody = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
  content: z.union([z.string(), z.array(TextPart), z.null()]).optional(),
  /** A name starting with `pinned` marks a message that context trimming keeps. */
  name: z.string().max(64).optional(),
  tool_calls: z
    .array(
      z.looseObject({
        id: z.string().max(200),
        type: z.literal('function').optional(),
        function: z.object({ name: z.string().max(200), arguments: z.string().max(200_000) }),
      }),
    )
    .max(128)
    .optional(),
  tool_call_id: z.string().max(200).optional(),
});

export const ToolBody = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({
    name: z.string().min(1).max(64),
    description: z.string().max(4096).optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
  }),
});

export const ChatCompletionBody = z.looseObject({
  model: z.string().min(1).max(200),
  messages: z.array(ChatMessageBody).min(1).max(4000),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  tools: z.array(ToolBody).max(128).optional(),
  tool_choice: z.unknown().optional(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  seed: z.number().int().nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  response_format: z.unknown().optional(),
  n: z.literal(1).nullish(),
});
export type ChatCompletionBody = z.infer<typeof ChatCompletionBody>;

export const EmbeddingsBody = z.looseObject({
  model: z.string().min(1).max(200),
  input: z.union([z.string(), z.array(z.string()).min(1).max(2048)]),
  encoding_format: z.enum(['float', 'base64']).optional(),
  dimensions: z.number().int().positive().optional(),
});
export type EmbeddingsBody = z.infer<typeof EmbeddingsBody>;

export const ModelListDto = z.object({
  object: z.literal('list'),
  data: z.array(
    z.object({ id: z.string(), object: z.literal('model'), created: z.number(), owned_by: z.string() }),
  ),
});

export const RoutingStateDto = z.object({
  replicas: z.array(
    z.object({
      url: z.string(),
      healthy: z.boolean(),
      inFlight: z.number(),
      cap: z.number(),
      coolingDown: z.boolean(),
      cooldownRemainingMs: z.number(),
      consecutiveFailures: z.number(),
      lastFailureAt: z.iso.datetime().nullable(),
      lastError: z.string().nullable(),
      lastProbeAt: z.iso.datetime().nullable(),
      version: z.string().nullable(),
      models: z.array(z.string()).nullable(),
      loaded: z.array(z.string()),
    }),
  ),
  openai: z.object({ configured: z.boolean(), baseUrl: z.string().nullable() }),
  defaultModel: z.string().nullable(),
  embeddingModel: z.string().nullable(),
  fallbacks: z.record(z.string(), z.array(z.string())),
});

export const UsageSummaryDto = z.object({
  month: z.string(),
  spentMicroUsd: z.number().int(),
  budgetMicroUsd: z.number().int(),
  limits: z.object({ rpm: z.number(), tpm: z.number(), maxStreams: z.number() }),
});

const RequestIdParams = z.object({ id: z.string().min(1).max(128) }).strict();

const openAiHeaders = {
  'x-elwosa-conversation-id': { description: 'Conversation id: usage attribution and replica affinity' },
  'x-elwosa-cache': { description: '`on` opts a non-deterministic request into the response cache' },
  'cache-control': { description: '`no-cache` skips the cache lookup, `no-store` the cache write' },
};

export const aiRoutes = {
  chatCompletions: defineRoute({
    operationId: 'createChatCompletion',
    method: 'post',
    path: '/v1/chat/completions',
    summary: 'OpenAI-compatible chat completion (SSE when stream is true)',
    tags: ['ai'],
    auth: { permission: 'ai:use' },
    apiKeys: true,
    body: ChatCompletionBody,
    headers: openAiHeaders,
    responses: {
      200: {
        description: 'A chat.completion object, or a text/event-stream of chat.completion.chunk events',
      },
      400: { description: 'Invalid request, or the prompt does not fit the context window' },
      404: { description: 'Unknown model' },
      429: { description: 'A per-user limit (Retry-After)' },
      503: { description: 'No provider configured, or no replica could answer' },
    },
  }),
  embeddings: defineRoute({
    operationId: 'createEmbedding',
    method: 'post',
    path: '/v1/embeddings',
    summary: 'OpenAI-compatible embeddings',
    tags: ['ai'],
    auth: { permission: 'ai:use' },
    apiKeys: true,
    body: EmbeddingsBody,
    responses: {
      200: { description: 'A list of embeddings' },
      404: { description: 'Unknown model' },
      429: { description: 'A per-user limit (Retry-After)' },
      503: { description: 'No provider configured, or no replica could answer' },
    },
  }),
  models: defineRoute({
    operationId: 'listModels',
    method: 'get',
    path: '/v1/models',
    summary: 'Models the configured providers offer',
    tags: ['ai'],
    auth: { permission: 'ai:use' },
    apiKeys: true,
    responses: { 200: { description: 'Models', schema: ModelListDto } },
  }),
  routing: defineRoute({
    operationId: 'getAiRouting',
    method: 'get',
    path: '/api/ai/routing',
    summary: 'Routing state: Ollama replicas (health, cooldown, in flight, models), providers, fallbacks',
    tags: ['ai'],
    auth: { permission: 'ai:admin' },
    responses: { 200: { description: 'Routing state', schema: RoutingStateDto } },
  }),
  usage: defineRoute({
    operationId: 'getAiUsage',
    method: 'get',
    path: '/api/ai/usage',
    summary: "The caller's spend this month and their limits",
    tags: ['ai'],
    auth: { permission: 'ai:use' },
    responses: { 200: { description: 'Spend and limits', schema: UsageSummaryDto } },
  }),
  stop: defineRoute({
    operationId: 'stopAiRequest',
    method: 'post',
    path: '/api/ai/requests/:id/stop',
    summary:
      "Stops one of the caller's running completions (by its X-Request-Id), on any replica of the bridge",
    tags: ['ai'],
    auth: { permission: 'ai:use' },
    params: RequestIdParams,
    responses: { 202: { description: 'Stop requested' } },
  }),
} satisfies Record<string, RouteSpec>;

export const aiRouteSpecs: readonly RouteSpec[] = Object.values(aiRoutes);

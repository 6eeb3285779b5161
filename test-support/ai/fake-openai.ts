// A protocol-faithful fake of OpenAI's API (the subset the bridge uses): `POST
// /v1/chat/completions` as SSE (`data: <json>\n\n`, a role chunk, content deltas, tool calls
// as an id/name delta followed by argument *fragments* per index, the finish chunk, the usage
// chunk with `choices: []` when `stream_options.include_usage` is set, `data: [DONE]`) or as one
// JSON object; mid-stream `data: {"error": …}` events; 429 with Retry-After; `POST
// /v1/embeddings` (float or base64); `GET /v1/models`. Chat answers follow scenarios.
//
//   const openai = await startFakeOpenAI({ models: ['gpt-4o-mini'] });
//   openai.next(scenarios.rateLimited(7));
//   new OpenAI({ baseURL: `${openai.url}/v1`, apiKey: 'sk-test', maxRetries: 0 });
import type http from 'node:http';
import {
  type ChatLikeBody,
  type FakeServerBase,
  playChunks,
  type RecordedRequest,
  sendJson,
  startFakeServer,
  waitOrClosed,
} from './fake-server.ts';
import { fakeEmbedding, fakeTokenCount } from './scenarios.ts';

export interface FakeOpenAIOptions {
  /** Chat model ids (default gpt-4o-mini, gpt-4o). */
  models?: string[];
  /** Embedding model ids and their dimensions (default text-embedding-3-small: 1536). */
  embeddingModels?: Record<string, number>;
  /** When set, other bearer tokens get 401. */
  apiKey?: string;
  port?: number;
}

export type FakeOpenAI = FakeServerBase;

type ChatBody = ChatLikeBody & {
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  tools?: unknown[];
};

const apiError = (message: string, type: string, code: string | null) => ({
  error: { message, type, param: null, code },
});

/** Splits `text` into `parts` fragments (the way OpenAI streams tool-call arguments). */
export function fragments(text: string, parts = 3): string[] {
  const size = Math.max(1, Math.ceil(text.length / parts));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length ? out : [''];
}

export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const chatModels = new Set(options.models ?? ['gpt-4o-mini', 'gpt-4o']);
  const embeddingModels = options.embeddingModels ?? { 'text-embedding-3-small': 1536 };
  const authorized = (req: http.IncomingMessage) =>
    options.apiKey === undefined
      ? /^Bearer \S+/.test(req.headers.authorization ?? '')
      : req.headers.authorization === `Bearer ${options.apiKey}`;
  const unauthorized = (res: http.ServerResponse) =>
    sendJson(res, 401, apiError('Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key'));

  const base = await startFakeServer(
    {
      'GET /v1/models': (req, res) => {
        if (!authorized(req)) return unauthorized(res);
        sendJson(res, 200, {
          object: 'list',
          data: [...chatModels, ...Object.keys(embeddingModels)].map((id) => ({
            id,
            object: 'model',
            created: 1_700_000_000,
            owned_by: 'system',
          })),
        });
      },
      'POST /v1/embeddings': (req, res, record) => {
        if (!authorized(req)) return unauthorized(res);
        const body = record.body as {
          model?: string;
          input?: string | string[];
          encoding_format?: string;
          dimensions?: number;
        };
        const dim = embeddingModels[body.model ?? ''];
        if (!dim) {
          return sendJson(
            res,
            404,
            apiError(
              `The model \`${body.model}\` does not exist or you do not have access to it.`,
              'invalid_request_error',
              'model_not_found',
            ),
          );
        }
        const inputs = Array.isArray(body.input) ? body.input : [body.input ?? ''];
        const tokens = inputs.reduce((n, t) => n + fakeTokenCount(t), 0);
        sendJson(res, 200, {
          object: 'list',
          data: inputs.map((t, index) => {
            const vector = fakeEmbedding(t, Math.min(dim, body.dimensions ?? dim));
            return {
              object: 'embedding',
              index,
              embedding:
                body.encoding_format === 'base64'
                  ? Buffer.from(new Float32Array(vector).buffer).toString('base64')
                  : vector,
            };
          }),
          model: body.model,
          usage: { prompt_tokens: tokens, total_tokens: tokens },
        });
      },
      'POST /v1/chat/completions': (req, res, record) => chat(req, res, record),
    },
    options.port,
  );

  async function chat(req: http.IncomingMessage, res: http.ServerResponse, record: RecordedRequest) {
    if (!authorized(req)) return unauthorized(res);
    const body = (record.body ?? {}) as ChatBody;
    if (!body.model || !chatModels.has(body.model)) {
      return sendJson(
        res,
        404,
        apiError(
          `The model \`${body.model}\` does not exist or you do not have access to it.`,
          'invalid_request_error',
          'model_not_found',
        ),
      );
    }
    const scenario = base.scenarioFor(body, record);
    const id = `chatcmpl-${Math.random().toString(36).slice(2, 14)}`;
    const created = Math.floor(Date.now() / 1000);
    const promptTokens = fakeTokenCount(JSON.stringify(body.messages ?? []));
    const envelope = {
      id,
      object: 'chat.completion.chunk',
      created,
      model: body.model,
      system_fingerprint: 'fp_fake',
    };

    switch (scenario.type) {
      case 'http-error':
        return sendJson(
          res,
          scenario.status,
          apiError(
            scenario.message,
            scenario.status === 429 ? 'requests' : 'server_error',
            scenario.status === 429 ? 'rate_limit_exceeded' : null,
          ),
          scenario.retryAfterSeconds ? { 'retry-after': String(scenario.retryAfterSeconds) } : {},
        );
      case 'hang':
        await waitOrClosed(res, 10 * 60_000);
        record.aborted = true;
        return;
      default:
    }

    const calls = scenario.type === 'reply' ? (scenario.toolCalls ?? []) : [];
    const callIds = calls.map((_, i) => `call_${id.slice(-6)}${i}`);
    const completionTokens = scenario.chunks.length + calls.length;
    const finish = calls.length
      ? 'tool_calls'
      : scenario.type === 'reply'
        ? (scenario.finishReason ?? 'stop')
        : 'stop';
    const usage = {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
    };

    if (body.stream !== true) {
      if (scenario.type !== 'reply') {
        return sendJson(
          res,
          500,
          apiError('The server had an error while processing your request.', 'server_error', null),
        );
      }
      const wait = (scenario.delayMs ?? 0) * scenario.chunks.length + (scenario.firstChunkDelayMs ?? 0);
      if (!(await waitOrClosed(res, wait))) {
        record.aborted = true;
        return;
      }
      record.chunksSent = completionTokens;
      record.completed = true;
      return sendJson(res, 200, {
        id,
        object: 'chat.completion',
        created,
        model: body.model,
        system_fingerprint: 'fp_fake',
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: calls.length && scenario.chunks.length === 0 ? null : scenario.chunks.join(''),
              refusal: null,
              ...(calls.length
                ? {
                    tool_calls: calls.map((c, i) => ({
                      id: callIds[i],
                      type: 'function',
                      function: { name: c.name, arguments: JSON.stringify(c.arguments) },
                    })),
                  }
                : {}),
            },
            logprobs: null,
            finish_reason: finish,
          },
        ],
        usage,
      });
    }

    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    const send = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);
    const delta = (d: Record<string, unknown>, finishReason: string | null = null) =>
      send({ ...envelope, choices: [{ index: 0, delta: d, logprobs: null, finish_reason: finishReason }] });
    base.streamStarted();
    try {
      delta({ role: 'assistant', content: '', refusal: null });
      const ok = await playChunks(res, record, scenario.chunks, scenario, (c) => delta({ content: c }));
      if (!ok) return;
      if (scenario.type === 'error-midstream') {
        send(apiError(scenario.message, 'server_error', null));
        res.end();
        return;
      }
      if (scenario.type === 'truncated') {
        res.end();
        return;
      }
      for (const [index, call] of calls.entries()) {
        delta({
          tool_calls: [
            { index, id: callIds[index], type: 'function', function: { name: call.name, arguments: '' } },
          ],
        });
        for (const part of fragments(JSON.stringify(call.arguments))) {
          delta({ tool_calls: [{ index, function: { arguments: part } }] });
        }
        record.chunksSent++;
      }
      delta({}, finish);
      if (body.stream_options?.include_usage && !scenario.omitUsage) {
        send({ ...envelope, choices: [], usage });
      }
      res.end('data: [DONE]\n\n');
      record.completed = true;
    } finally {
      base.streamEnded();
    }
  }

  return base;
}

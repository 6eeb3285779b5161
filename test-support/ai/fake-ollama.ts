// A protocol-faithful fake Ollama server (the native API of ollama/ollama `docs/api.md`):
// `/api/chat` streams NDJSON and ends with a `done:true` trailer carrying realistic nanosecond
// metrics; tool calls arrive whole with object arguments; `/api/tags`, `/api/ps`, `/api/show`,
// `/api/embed`, `/api/pull`, `/api/version`; errors as `{"error": "…"}` with the real status
// codes and messages. Chat answers follow scenarios (scenarios.ts); the default echoes.
//
//   const ollama = await startFakeOllama({ models: [fakeModels.llama] });
//   ollama.next(scenarios.busy());           // the next /api/chat answers 503 "server busy"
//   new Ollama({ host: ollama.url }).chat({ model: 'llama3.2', messages, stream: true });
import type http from 'node:http';
import {
  type ChatLikeBody,
  type FakeServerBase,
  playChunks,
  type RecordedRequest,
  sendJson,
  sleep,
  startFakeServer,
  waitOrClosed,
} from './fake-server.ts';
import { type FakeScenario, fakeEmbedding, fakeTokenCount } from './scenarios.ts';

export interface FakeOllamaModel {
  /** `name:tag`; a name without a tag means `:latest`. */
  name: string;
  family?: string;
  contextLength?: number;
  capabilities?: string[];
  /** Embedding models: the vector length. */
  embeddingDim?: number;
  /** In memory (listed by /api/ps) from the start. */
  loaded?: boolean;
}

export const fakeModels = {
  llama: {
    name: 'llama3.2:latest',
    family: 'llama',
    contextLength: 131_072,
    capabilities: ['completion', 'tools'],
  },
  qwen: {
    name: 'qwen2.5:latest',
    family: 'qwen2',
    contextLength: 32_768,
    capabilities: ['completion', 'tools'],
  },
  /** No tool support: a request with tools gets 400. */
  tiny: { name: 'tinyllama:latest', family: 'llama', contextLength: 2048, capabilities: ['completion'] },
  nomic: {
    name: 'nomic-embed-text:latest',
    family: 'nomic-bert',
    contextLength: 2048,
    capabilities: ['embedding'],
    embeddingDim: 768,
  },
} satisfies Record<string, FakeOllamaModel>;

export interface FakeOllamaOptions {
  models?: FakeOllamaModel[];
  version?: string;
  port?: number;
}

export interface FakeOllama extends FakeServerBase {
  addModel(model: FakeOllamaModel): void;
  removeModel(name: string): void;
  setLoaded(name: string, loaded: boolean): void;
  /** Names currently listed by /api/ps. */
  loadedModels(): string[];
}

export const withLatest = (name: string): string => (name.includes(':') ? name : `${name}:latest`);

const NS_PER_MS = 1_000_000;

interface ModelState extends FakeOllamaModel {
  loaded: boolean;
}

export async function startFakeOllama(options: FakeOllamaOptions = {}): Promise<FakeOllama> {
  const models = new Map<string, ModelState>();
  const addModel = (m: FakeOllamaModel) =>
    models.set(withLatest(m.name), { ...m, name: withLatest(m.name), loaded: m.loaded ?? false });
  for (const m of options.models ?? [fakeModels.llama]) addModel(m);
  const version = options.version ?? '0.12.6';
  const lookup = (name: unknown) => (typeof name === 'string' ? models.get(withLatest(name)) : undefined);
  const notFound = (res: http.ServerResponse, name: string) =>
    sendJson(res, 404, { error: `model "${name}" not found, try pulling it first` });
  const digest = (name: string) => Buffer.from(name).toString('hex').padEnd(64, '0').slice(0, 64);
  const details = (m: ModelState) => ({
    parent_model: '',
    format: 'gguf',
    family: m.family ?? 'llama',
    families: [m.family ?? 'llama'],
    parameter_size: '3.2B',
    quantization_level: 'Q4_K_M',
  });
  const tagEntry = (m: ModelState) => ({
    name: m.name,
    model: m.name,
    modified_at: '2026-11-01T10:00:00.000000000Z',
    size: 2_019_393_189,
    digest: digest(m.name),
    details: details(m),
  });

  const base = await startFakeServer(
    {
      'GET /': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('Ollama is running');
      },
      'HEAD /': (_req, res) => {
        res.writeHead(200).end();
      },
      'GET /api/version': (_req, res) => sendJson(res, 200, { version }),
      'GET /api/tags': (_req, res) => sendJson(res, 200, { models: [...models.values()].map(tagEntry) }),
      'GET /api/ps': (_req, res) =>
        sendJson(res, 200, {
          models: [...models.values()]
            .filter((m) => m.loaded)
            .map((m) => ({
              ...tagEntry(m),
              expires_at: new Date(Date.now() + 5 * 60_000).toISOString(),
              size_vram: 2_019_393_189,
              context_length: Math.min(m.contextLength ?? 4096, 4096),
            })),
        }),
      'POST /api/show': (_req, res, record) => {
        const body = record.body as { model?: string; name?: string } | undefined;
        const name = body?.model ?? body?.name ?? '';
        const m = lookup(name);
        if (!m) return sendJson(res, 404, { error: `model '${name}' not found` });
        const arch = m.family ?? 'llama';
        sendJson(res, 200, {
          modelfile: `FROM ${m.name}`,
          parameters: 'stop "<|eot_id|>"',
          template: '{{ .Prompt }}',
          details: details(m),
          model_info: {
            'general.architecture': arch,
            'general.parameter_count': 3_212_749_888,
            [`${arch}.context_length`]: m.contextLength ?? 4096,
            ...(m.embeddingDim ? { [`${arch}.embedding_length`]: m.embeddingDim } : {}),
          },
          capabilities: m.capabilities ?? ['completion'],
          modified_at: '2026-11-01T10:00:00.000000000Z',
        });
      },
      'POST /api/embed': (_req, res, record) => {
        const body = record.body as
          | { model?: string; input?: string | string[]; dimensions?: number }
          | undefined;
        if (!body?.model) return sendJson(res, 400, { error: 'model is required' });
        const m = lookup(body.model);
        if (!m) return notFound(res, body.model);
        if (!m.embeddingDim)
          return sendJson(res, 400, { error: `"${body.model}" does not support embeddings` });
        const inputs = Array.isArray(body.input) ? body.input : [body.input ?? ''];
        const wasLoaded = m.loaded;
        m.loaded = true;
        sendJson(res, 200, {
          model: m.name,
          embeddings: inputs.map((t) =>
            fakeEmbedding(t, Math.min(m.embeddingDim!, body.dimensions ?? m.embeddingDim!)),
          ),
          total_duration: 14 * NS_PER_MS,
          load_duration: wasLoaded ? 1 * NS_PER_MS : 900 * NS_PER_MS,
          prompt_eval_count: inputs.reduce((n, t) => n + fakeTokenCount(t), 0),
        });
      },
      'POST /api/pull': async (_req, res, record) => {
        // ollama-js sends the legacy `name`; the server accepts `model` and `name`.
        const body = record.body as { model?: string; name?: string; stream?: boolean } | undefined;
        const requested = body?.model ?? body?.name;
        if (!requested) return sendJson(res, 400, { error: 'model is required' });
        const name = withLatest(requested);
        const steps = [
          { status: 'pulling manifest' },
          {
            status: `pulling ${digest(name).slice(0, 12)}`,
            digest: `sha256:${digest(name)}`,
            total: 1000,
            completed: 0,
          },
          {
            status: `pulling ${digest(name).slice(0, 12)}`,
            digest: `sha256:${digest(name)}`,
            total: 1000,
            completed: 1000,
          },
          { status: 'verifying sha256 digest' },
          { status: 'writing manifest' },
          { status: 'success' },
        ];
        addModel({ name, capabilities: ['completion'] });
        if (body?.stream === false) return sendJson(res, 200, { status: 'success' });
        res.writeHead(200, { 'content-type': 'application/x-ndjson' });
        for (const step of steps) {
          res.write(`${JSON.stringify(step)}\n`);
          await sleep(1);
        }
        res.end();
      },
      'POST /api/chat': (req, res, record) => chat(req, res, record),
    },
    options.port,
  );

  async function chat(_req: http.IncomingMessage, res: http.ServerResponse, record: RecordedRequest) {
    const body = (record.body ?? {}) as ChatLikeBody & { stream?: boolean; tools?: unknown[] };
    if (!body.model) return sendJson(res, 400, { error: 'model is required' });
    const m = lookup(body.model);
    if (!m) return notFound(res, body.model);
    if (body.tools?.length && !m.capabilities?.includes('tools')) {
      return sendJson(res, 400, { error: `registry.ollama.ai/library/${m.name} does not support tools` });
    }
    const scenario = base.scenarioFor(body, record);
    const stream = body.stream !== false;
    const promptTokens = fakeTokenCount(JSON.stringify(body.messages ?? []));
    const loadNs = m.loaded ? 2 * NS_PER_MS : 1_200 * NS_PER_MS;
    m.loaded = true;
    const line = (message: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      `${JSON.stringify({ model: m.name, created_at: new Date().toISOString(), message: { role: 'assistant', content: '', ...message }, done: false, ...extra })}\n`;
    const trailer = (evalCount: number, doneReason: string) =>
      line(
        {},
        {
          done: true,
          done_reason: doneReason,
          total_duration: loadNs + promptTokens * NS_PER_MS + evalCount * 20 * NS_PER_MS,
          load_duration: loadNs,
          prompt_eval_count: promptTokens,
          prompt_eval_duration: promptTokens * NS_PER_MS,
          eval_count: evalCount,
          eval_duration: evalCount * 20 * NS_PER_MS,
        },
      );
    const toolCallsOf = (s: Extract<FakeScenario, { type: 'reply' }>) =>
      (s.toolCalls ?? []).map((c, index) => ({
        id: `call_${Math.random().toString(36).slice(2, 10)}`,
        function: { index, name: c.name, arguments: c.arguments },
      }));

    switch (scenario.type) {
      case 'http-error':
        return sendJson(
          res,
          scenario.status,
          { error: scenario.message },
          scenario.retryAfterSeconds ? { 'retry-after': String(scenario.retryAfterSeconds) } : {},
        );
      case 'hang':
        await waitOrClosed(res, 10 * 60_000);
        record.aborted = true;
        return;
      default:
    }

    if (!stream) {
      if (scenario.type !== 'reply') {
        // The non-streaming API answers an in-model error with a status, never a partial body.
        return sendJson(res, 500, {
          error: scenario.type === 'error-midstream' ? scenario.message : 'unexpected EOF',
        });
      }
      const wait = (scenario.delayMs ?? 0) * scenario.chunks.length + (scenario.firstChunkDelayMs ?? 0);
      if (!(await waitOrClosed(res, wait))) {
        record.aborted = true;
        return;
      }
      const calls = toolCallsOf(scenario);
      const full = JSON.parse(
        trailer(scenario.chunks.length + calls.length, scenario.finishReason ?? 'stop'),
      );
      full.message = {
        role: 'assistant',
        content: scenario.chunks.join(''),
        ...(calls.length ? { tool_calls: calls } : {}),
      };
      record.chunksSent = scenario.chunks.length + calls.length;
      record.completed = true;
      return sendJson(res, 200, full);
    }

    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    base.streamStarted();
    try {
      const ok = await playChunks(res, record, scenario.chunks, scenario, (c) =>
        res.write(line({ content: c })),
      );
      if (!ok) return;
      switch (scenario.type) {
        case 'reply': {
          const calls = toolCallsOf(scenario);
          if (calls.length) {
            res.write(line({ tool_calls: calls }));
            record.chunksSent++;
          }
          res.end(trailer(scenario.chunks.length + calls.length, scenario.finishReason ?? 'stop'));
          record.completed = true;
          return;
        }
        case 'error-midstream':
          res.end(`${JSON.stringify({ error: scenario.message })}\n`);
          return;
        case 'truncated':
          // A clean end of the body, but without the `done` trailer.
          res.end();
          return;
      }
    } finally {
      base.streamEnded();
    }
  }

  return Object.assign(base, {
    addModel,
    removeModel: (name: string) => {
      models.delete(withLatest(name));
    },
    setLoaded: (name: string, loaded: boolean) => {
      const m = models.get(withLatest(name));
      if (m) m.loaded = loaded;
    },
    loadedModels: () => [...models.values()].filter((m) => m.loaded).map((m) => m.name),
  });
}

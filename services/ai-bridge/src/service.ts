// Starts the ai-bridge (target `ai-bridge`, port 8084): providers from the environment (Ollama
// replicas in OLLAMA_URLS, OpenAI with OPENAI_API_KEY), the replica pool and its prober, the
// response cache, per-user limits and the routes. With no provider configured it still starts:
// /v1/models lists nothing and completions answer 503.
import { createServiceHost, type PlatformDeps, parseConfig, type RunningService } from '@elwosa/runtime';
import { aiEnvSchema } from './config.js';
import type { AiServices } from './domain/chat-call.js';
import type { CompletionContext } from './domain/completion.js';
import { UserLimits } from './domain/limits.js';
import { ModelCatalog } from './domain/model-catalog.js';
import { ResponseCache } from './domain/response-cache.js';
import { RunningCalls } from './domain/running-calls.js';
import { tiktokenCounter } from './domain/tokens.js';
import { createModelDirectory } from './http/model-directory.js';
import { bindAiRoutes } from './http/routes.js';
import { AiMetrics } from './metrics.js';
import { OllamaProvider } from './providers/ollama.js';
import { OpenAIProvider } from './providers/openai.js';
import { createDispatcher } from './providers/transport.js';
import { startProber } from './routing/prober.js';
import { ReplicaPool } from './routing/replica-pool.js';

/** `/api/show` and OpenAI's model list. */
const LOOKUP_TIMEOUT_MS = 5_000;

export async function startAiBridge(deps: PlatformDeps): Promise<RunningService> {
  const env = parseConfig(aiEnvSchema, deps.env);
  const host = createServiceHost({ target: 'ai-bridge', deps, bodyLimit: '1mb' });
  const metrics = new AiMetrics(host.metrics.registry);
  const dispatcher = createDispatcher(env.ELWOSA_AI_CONNECT_TIMEOUT_MS);
  const counter = tiktokenCounter();

  const ollama = env.OLLAMA_URLS.length > 0 ? new OllamaProvider(dispatcher) : undefined;
  const pool =
    env.OLLAMA_URLS.length > 0
      ? new ReplicaPool(env.OLLAMA_URLS, {
          cap: env.ELWOSA_AI_REPLICA_CONCURRENCY,
          cooldown: { baseMs: env.ELWOSA_AI_COOLDOWN_MS, maxMs: env.ELWOSA_AI_COOLDOWN_MAX_MS, jitter: 0.2 },
          queueTimeoutMs: env.ELWOSA_AI_QUEUE_TIMEOUT_MS,
          onChange: (r) => metrics.replicaChanged(r),
        })
      : undefined;
  const openai = env.OPENAI_API_KEY
    ? new OpenAIProvider({ apiKey: env.OPENAI_API_KEY, baseUrl: env.OPENAI_BASE_URL, dispatcher })
    : undefined;

  const catalog = new ModelCatalog({
    ollama: pool,
    openai: openai !== undefined,
    defaultModel: env.ELWOSA_DEFAULT_MODEL,
    embeddingModel: env.ELWOSA_EMBEDDING_MODEL,
    fallbacks: env.ELWOSA_AI_FALLBACKS,
    contextOverrides: env.ELWOSA_AI_CONTEXT_LENGTHS,
    ...(ollama
      ? { showContextLength: (url, model) => ollama.contextLength(url, model, LOOKUP_TIMEOUT_MS) }
      : {}),
  });
  const completion: CompletionContext = {
    catalog,
    pool,
    providers: { ...(ollama ? { ollama } : {}), ...(openai ? { openai } : {}) },
    counter,
    metrics,
    settings: {
      maxAttempts: env.ELWOSA_AI_MAX_ATTEMPTS,
      maxNumCtx: env.ELWOSA_AI_MAX_NUM_CTX,
      ttftMs: env.ELWOSA_AI_TTFT_TIMEOUT_MS,
      idleMs: env.ELWOSA_AI_IDLE_TIMEOUT_MS,
      totalMs: env.ELWOSA_AI_TOTAL_TIMEOUT_MS,
    },
  };
  const limitSettings = {
    rpm: env.ELWOSA_AI_RPM,
    tpm: env.ELWOSA_AI_TPM,
    maxStreams: env.ELWOSA_AI_MAX_STREAMS,
    monthlyBudgetMicroUsd: env.ELWOSA_AI_MONTHLY_BUDGET_MICRO_USD,
    streamSlotTtlMs: env.ELWOSA_AI_TOTAL_TIMEOUT_MS + 60_000,
  };
  const running = new RunningCalls(deps.cache);
  await running.start();
  const services: AiServices = {
    completion,
    limits: new UserLimits(deps.cache, limitSettings),
    responseCache: new ResponseCache(deps.cache, {
      ttlMs: env.ELWOSA_AI_CACHE_TTL_S * 1000,
      lockMs: Math.min(env.ELWOSA_AI_TOTAL_TIMEOUT_MS, 120_000),
    }),
    running,
    cache: deps.cache,
    metrics,
    counter,
    logger: host.logger,
  };

  const prober =
    pool && ollama
      ? startProber({
          pool,
          probe: (url, timeoutMs) => ollama.probe(url, timeoutMs),
          intervalMs: env.ELWOSA_AI_PROBE_INTERVAL_MS,
          retryMs: 3000,
          timeoutMs: env.ELWOSA_AI_PROBE_TIMEOUT_MS,
          logger: host.logger,
        })
      : undefined;

  bindAiRoutes(host.router, host.binder, {
    services,
    models: createModelDirectory({
      pool,
      listOpenAI: openai ? () => openai.listModels(LOOKUP_TIMEOUT_MS) : undefined,
    }),
    routing: {
      pool,
      openaiBaseUrl: openai?.baseUrl,
      defaultModel: env.ELWOSA_DEFAULT_MODEL,
      embeddingModel: env.ELWOSA_EMBEDDING_MODEL,
      fallbacks: env.ELWOSA_AI_FALLBACKS,
    },
    limits: limitSettings,
    http: { keepAliveMs: env.ELWOSA_AI_SSE_KEEPALIVE_MS },
  });
  if (!catalog.configured)
    host.logger.warn('no model provider configured (OLLAMA_URLS, OPENAI_API_KEY): AI calls answer 503');

  deps.lifecycle.on('stop', () => prober?.stop());
  deps.lifecycle.on('close', async () => {
    await running.close();
    await dispatcher.close();
  });
  return host.start();
}

// Embeddings through the provider that serves the model: Ollama replicas (router-chosen, other
// replicas tried on replica trouble) or OpenAI; limits checked, a usage record published.

import { retryStep } from '../routing/retry-policy.js';
import type { AiServices } from './chat-call.js';
import { recordMetrics } from './chat-call.js';
import {
  aiProblem,
  exhaustedProblem,
  modelNotFoundProblem,
  noProviderProblem,
  upstreamClientProblem,
} from './errors.js';
import type { ModelRoute } from './model-catalog.js';
import { type EmbeddingResult, ProviderError } from './types.js';
import { buildUsage, publishUsage, type UsageStatus } from './usage.js';

export interface EmbeddingCall {
  userId: string;
  requestId: string;
  model: string;
  input: string[];
  dimensions?: number | undefined;
  signal: AbortSignal;
}

export interface EmbeddingOutcome extends EmbeddingResult {
  model: string;
  inputTokens: number;
}

async function attempt(
  services: AiServices,
  route: ModelRoute,
  call: EmbeddingCall,
): Promise<{ result: EmbeddingResult; replica: string | null }> {
  const { completion } = services;
  const provider = completion.providers[route.provider];
  if (!provider) throw noProviderProblem();
  const tried = new Set<string>();
  let lastError: ProviderError | undefined;
  for (let i = 0; i < completion.settings.maxAttempts; i++) {
    const lease =
      route.provider === 'ollama'
        ? await completion.pool?.acquire({ model: route.model, exclude: tried }, call.signal)
        : undefined;
    if (route.provider === 'ollama' && !lease) break;
    if (lease) tried.add(lease.url);
    const signal = AbortSignal.any([call.signal, AbortSignal.timeout(completion.settings.ttftMs)]);
    try {
      const result = await provider.embed(
        route.model,
        call.input,
        {
          baseUrl: lease?.url ?? provider.baseUrl ?? '',
          signal,
        },
        call.dimensions,
      );
      lease?.release('ok');
      return { result, replica: lease?.url ?? null };
    } catch (err) {
      const error = err instanceof ProviderError ? err : new ProviderError('connect', String(err));
      lease?.release(error);
      lastError = error;
      const step = retryStep(error);
      if (step === 'abort') throw error;
      if (step === 'client-error') throw upstreamClientProblem(error);
      if (step === 'model-missing') {
        if (lease) completion.pool?.markMissing(lease.url, route.model);
        continue;
      }
      if (step !== 'retry' || route.provider !== 'ollama') break;
    }
  }
  if (!lastError || retryStep(lastError) === 'model-missing') throw modelNotFoundProblem(route.model);
  throw exhaustedProblem(lastError);
}

export async function createEmbeddings(services: AiServices, call: EmbeddingCall): Promise<EmbeddingOutcome> {
  const { catalog } = services.completion;
  if (!catalog.configured) throw noProviderProblem();
  const route = catalog.resolve(call.model, 'embedding');
  if (!route) throw modelNotFoundProblem(call.model);
  const estimate = Math.ceil(call.input.reduce((n, t) => n + Buffer.byteLength(t), 0) / 4);
  const admission = await services.limits.admit(call.userId, {
    estimatedTokens: estimate,
    stream: false,
    paid: route.provider === 'openai',
    observe: (limit) => services.metrics.limitHit(limit),
  });
  const startedAt = Date.now();
  let status: UsageStatus = 'error';
  let outcome: { result: EmbeddingResult; replica: string | null } | undefined;
  let inputTokens = 0;
  try {
    outcome = await attempt(services, route, call);
    status = 'ok';
  } catch (err) {
    if (err instanceof ProviderError && err.kind === 'aborted') status = 'aborted';
    throw err instanceof ProviderError ? aiProblem(503, err.message, 'upstream_unavailable', 1) : err;
  } finally {
    const counted = outcome?.result.inputTokens;
    inputTokens = counted ?? call.input.reduce((n, t) => n + services.counter.count(t), 0);
    const data = buildUsage({
      requestId: call.requestId,
      provider: route.provider,
      model: route.model,
      operation: 'embedding',
      usage: { inputTokens, outputTokens: 0, cachedTokens: 0 },
      estimated: counted === undefined,
      startedAt,
      endedAt: Date.now(),
      firstTokenAt: undefined,
      streaming: false,
      replica: outcome?.replica ?? null,
      status,
      cacheHit: false,
      conversationId: null,
    });
    recordMetrics(services.metrics, data);
    // Not awaited: the caller gets its vectors without waiting for the bookkeeping.
    void Promise.all([
      publishUsage(services.cache, call.userId, data),
      services.limits.account(call.userId, admission, inputTokens, data.costMicroUsd),
    ]).catch((err) => services.logger.error({ err }, 'recording AI usage failed'));
  }
  return { ...outcome.result, model: route.model, inputTokens };
}

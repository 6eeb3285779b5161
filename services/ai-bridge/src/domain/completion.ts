// One chat completion across providers, replicas and fallback models. Attempts are made in
// order — replicas of the model (the router picks; up to ELWOSA_AI_MAX_ATTEMPTS), then the
// fallback models — but only until the first event has been handed on: from then on a failure
// ends the stream with an `error` event and is never retried. Before any attempt the history
// is trimmed to the model's context window (and `num_ctx` set for Ollama); a prompt that does
// not fit even trimmed moves on to the next fallback model (a larger window may take it). What
// the call observed is collected in a CallRecord for usage, cache and metrics.
import { HttpProblem } from '@elwosa/runtime';
import type { AiMetrics } from '../metrics.js';
import type { ModelProvider } from '../providers/provider.js';
import { isModelMissing } from '../routing/cooldown.js';
import type { Lease, ReplicaPool } from '../routing/replica-pool.js';
import { retryStep } from '../routing/retry-policy.js';
import { trimToBudget } from './context-window.js';
import {
  aiProblem,
  exhaustedProblem,
  modelNotFoundProblem,
  noProviderProblem,
  upstreamClientProblem,
} from './errors.js';
import type { ModelCatalog, ModelRoute } from './model-catalog.js';
import type { TokenCounter } from './tokens.js';
import {
  type BridgeEvent,
  type ChatMessage,
  type ChatRequest,
  type FinishReason,
  ProviderError,
  type ProviderName,
  type StreamEvent,
  type ToolCall,
  type Usage,
} from './types.js';
import { Watchdog } from './watchdog.js';

export interface CompletionSettings {
  maxAttempts: number;
  maxNumCtx: number;
  ttftMs: number;
  idleMs: number;
  totalMs: number;
}

export interface CompletionContext {
  catalog: ModelCatalog;
  pool: ReplicaPool | undefined;
  providers: Partial<Record<ProviderName, ModelProvider & { baseUrl?: string }>>;
  counter: TokenCounter;
  metrics: AiMetrics;
  settings: CompletionSettings;
}

/** What one call observed, filled in while it runs. */
export class CallRecord {
  provider: ProviderName | undefined;
  model: string | undefined;
  replica: string | null = null;
  /** The messages sent (after trimming). */
  messages: ChatMessage[] = [];
  usage: Usage | undefined;
  firstEventAt: number | undefined;
  text = '';
  toolCalls: ToolCall[] = [];
  finishReason: FinishReason | undefined;
  /** Set when the stream failed after its first event. */
  failure: ProviderError | undefined;
  trimmedMessages = 0;
  readonly startedAt = Date.now();
  /** The last upstream attempt: when it started and when its last event came. */
  attemptStartedAt: number | undefined;
  lastEventAt: number | undefined;

  apply(event: StreamEvent): void {
    switch (event.type) {
      case 'text':
        this.text += event.text;
        return;
      case 'tool_call':
        this.toolCalls.push(event.call);
        return;
      case 'usage':
        this.usage = event.usage;
        return;
      case 'done':
        this.finishReason = event.finishReason;
        return;
    }
  }
}

export interface CompletionCall {
  request: ChatRequest;
  /** The model as the client named it (before resolution). */
  requestedModel: string | undefined;
  affinityKey: string | undefined;
  /** Aborted when the client goes away or asks to stop. */
  signal: AbortSignal;
  record: CallRecord;
}

/** The outputs a window must leave room for: `max_tokens`, else a quarter of it (at most 1024). */
export function outputReserve(window: number, maxTokens: number | undefined): number {
  return maxTokens ?? Math.min(1024, Math.floor(window / 4));
}

/** The request for one model (trimmed, `num_ctx` set), or the problem when it cannot fit. */
async function prepare(
  ctx: CompletionContext,
  request: ChatRequest,
  route: ModelRoute,
  replicaUrl: string | undefined,
  record: CallRecord,
): Promise<ChatRequest | HttpProblem> {
  const contextLength = await ctx.catalog.contextLength(route, replicaUrl);
  const window =
    route.provider === 'ollama' ? Math.min(contextLength, ctx.settings.maxNumCtx) : contextLength;
  const reserve = outputReserve(window, request.maxTokens);
  const trimmed = trimToBudget(request.messages, window - reserve, ctx.counter);
  if (trimmed.overflow) {
    return aiProblem(
      400,
      `the prompt needs ${trimmed.tokens} tokens but ${route.model} has ${window - reserve} for it (context ${window}, ${reserve} reserved for the answer)`,
      'context_length_exceeded',
    );
  }
  record.messages = trimmed.messages;
  record.trimmedMessages = trimmed.dropped;
  return {
    ...request,
    model: route.model,
    messages: trimmed.messages,
    ...(route.provider === 'ollama' ? { numCtx: window } : {}),
  };
}

/**
 * Streams a completion. Throws an HttpProblem when nothing has been streamed yet (no provider,
 * unknown model, client error, every attempt failed); yields a terminal `error` event when the
 * stream fails after its first event.
 */
export async function* streamCompletion(
  ctx: CompletionContext,
  call: CompletionCall,
): AsyncGenerator<BridgeEvent> {
  if (!ctx.catalog.configured) throw noProviderProblem();
  const plan = ctx.catalog.plan(call.requestedModel);
  if (plan.length === 0) throw modelNotFoundProblem(call.requestedModel ?? 'default');
  const { record, signal } = call;
  const deadline = record.startedAt + ctx.settings.totalMs;
  let lastError: ProviderError | undefined;
  let tooLong: HttpProblem | undefined;

  for (const [routeIndex, route] of plan.entries()) {
    const provider = ctx.providers[route.provider];
    if (!provider) continue;
    if (routeIndex > 0) ctx.metrics.retries.inc({ reason: 'fallback' });
    const tried = new Set<string>();
    for (let attempt = 0; attempt < ctx.settings.maxAttempts; attempt++) {
      if (signal.aborted) throw abortReason(signal);
      let lease: Lease | undefined;
      try {
        lease =
          route.provider === 'ollama'
            ? await ctx.pool?.acquire(
                { model: route.model, affinityKey: call.affinityKey, exclude: tried },
                signal,
              )
            : undefined;
      } catch (err) {
        if (!(err instanceof ProviderError) || err.kind === 'aborted') throw err;
        lastError = err;
        break;
      }
      if (route.provider === 'ollama' && !lease) break;
      if (lease) tried.add(lease.url);
      record.provider = route.provider;
      record.model = route.model;
      record.replica = lease?.url ?? null;
      if (attempt > 0) ctx.metrics.retries.inc({ reason: 'replica' });

      let prepared: ChatRequest | HttpProblem;
      try {
        prepared = await prepare(ctx, call.request, route, lease?.url, record);
      } catch (err) {
        lease?.release('ok');
        throw err;
      }
      if (prepared instanceof HttpProblem) {
        // Too long for this model: a fallback with a larger window may still take it.
        lease?.release('ok');
        tooLong ??= prepared;
        break;
      }
      const controller = new AbortController();
      const onAbort = () => controller.abort(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      const dog = new Watchdog(controller, {
        ttftMs: ctx.settings.ttftMs,
        idleMs: ctx.settings.idleMs,
        deadline,
      });
      let started = false;
      let failed = false;
      record.attemptStartedAt = Date.now();
      try {
        const stream = provider.chat(prepared, {
          baseUrl: lease?.url ?? provider.baseUrl ?? '',
          signal: controller.signal,
        });
        for await (const event of stream) {
          if (!started) {
            started = true;
            record.firstEventAt = Date.now();
          }
          dog.touch();
          record.lastEventAt = Date.now();
          record.apply(event);
          yield event;
        }
        return;
      } catch (err) {
        failed = true;
        const error =
          err instanceof ProviderError ? err : new ProviderError('connect', String(err), { cause: err });
        lease?.release(error);
        if (error.kind !== 'aborted') ctx.metrics.errors.inc({ provider: route.provider, kind: error.kind });
        if (error.kind === 'aborted') throw error;
        if (started) {
          record.failure = error;
          yield {
            type: 'error',
            message: error.message,
            code: error.kind === 'timeout' ? 'upstream_timeout' : 'upstream_error',
          };
          return;
        }
        lastError = error;
        const step = retryStep(error);
        if (step === 'model-missing') {
          if (lease) ctx.pool?.markMissing(lease.url, route.model);
          continue;
        }
        if (step === 'client-error') throw upstreamClientProblem(error);
        if (step !== 'retry') break;
      } finally {
        dog.stop();
        signal.removeEventListener('abort', onAbort);
        // Finished, or the consumer stopped early (client gone): the replica did nothing wrong.
        if (!failed) lease?.release('ok');
      }
    }
  }
  if (tooLong && (!lastError || isModelMissing(lastError))) throw tooLong;
  if (lastError && isModelMissing(lastError)) throw modelNotFoundProblem(plan[0]!.model);
  if (!lastError) throw modelNotFoundProblem(plan[0]!.model);
  throw exhaustedProblem(lastError);
}

function abortReason(signal: AbortSignal): ProviderError {
  return signal.reason instanceof ProviderError
    ? signal.reason
    : new ProviderError('aborted', 'the request was aborted');
}

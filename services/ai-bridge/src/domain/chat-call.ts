// The life of one chat call, independent of how it is written to the client: per-user limits,
// the stop registry, the response cache (hit → replay, miss → this call fills it), the
// completion itself, and at the end — whatever happened, client gone included — the usage
// record, the limit accounting, the cache fill and the metrics.
import type { CacheBus } from '@elwosa/runtime';
import type { Logger } from 'pino';
import type { AiMetrics } from '../metrics.js';
import { cacheKey, cachePolicy } from './cache-key.js';
import { CallRecord, type CompletionContext, streamCompletion } from './completion.js';
import type { Admission, UserLimits } from './limits.js';
import { type CachedAnswer, type Fill, type ResponseCache, replayChunks } from './response-cache.js';
import type { RunningCalls } from './running-calls.js';
import { promptTokens, type TokenCounter } from './tokens.js';
import { type BridgeEvent, type ChatRequest, ProviderError, type Usage } from './types.js';
import { buildUsage, publishUsage, type UsageStatus } from './usage.js';

export interface AiServices {
  completion: CompletionContext;
  limits: UserLimits;
  responseCache: ResponseCache;
  running: RunningCalls;
  cache: CacheBus;
  metrics: AiMetrics;
  counter: TokenCounter;
  logger: Logger;
}

export interface ChatCallInput {
  userId: string;
  requestId: string;
  request: ChatRequest;
  stream: boolean;
  conversationId: string | null;
  /** `x-elwosa-cache: on` */
  cacheOptIn: boolean;
  cacheControl: string | undefined;
}

export type CacheResult = 'hit' | 'miss' | 'bypass';

/** A cheap upper-bound estimate for admission (≈ 4 bytes per token); reconciled afterwards. */
export const admissionEstimate = (request: ChatRequest): number =>
  Math.ceil(request.messages.reduce((n, m) => n + Buffer.byteLength(m.content) + 16, 0) / 4);

function* replay(answer: CachedAnswer): Generator<BridgeEvent> {
  for (const text of replayChunks(answer.content)) yield { type: 'text', text };
  yield { type: 'usage', usage: answer.usage };
  yield { type: 'done', finishReason: answer.finishReason };
}

export class ChatCall {
  readonly record = new CallRecord();
  cacheResult: CacheResult = 'bypass';
  private hit: CachedAnswer | undefined;
  private fill: Fill | undefined;
  private store = false;
  private finished = false;

  private constructor(
    private readonly services: AiServices,
    readonly input: ChatCallInput,
    private readonly admission: Admission,
    /** Aborted when the client goes away or a stop arrives. */
    readonly abort: AbortController,
    private readonly unregister: () => void,
  ) {}

  /** Admits the call (429 when a limit says no) and settles its cache role. */
  static async open(services: AiServices, input: ChatCallInput): Promise<ChatCall> {
    const admission = await services.limits.admit(input.userId, {
      estimatedTokens: admissionEstimate(input.request),
      stream: input.stream,
      paid: services.completion.catalog.resolve(input.request.model)?.provider === 'openai',
      observe: (limit) => services.metrics.limitHit(limit),
    });
    const abort = new AbortController();
    const unregister = services.running.register(input.requestId, input.userId, abort);
    const call = new ChatCall(services, input, admission, abort, unregister);
    try {
      await call.claimCache();
    } catch (err) {
      await call.finish('error');
      throw err;
    }
    return call;
  }

  private async claimCache(): Promise<void> {
    const policy = cachePolicy(this.input.request, {
      optIn: this.input.cacheOptIn,
      cacheControl: this.input.cacheControl,
    });
    if (policy.bypass) {
      this.services.metrics.cache.inc({ result: 'bypass' });
      return;
    }
    const key = cacheKey(this.input.userId, this.input.request);
    const claim = await this.services.responseCache.claim(key, policy.lookup, this.abort.signal);
    this.cacheResult = claim.role === 'hit' ? 'hit' : 'miss';
    this.services.metrics.cache.inc({ result: this.cacheResult });
    if (claim.role === 'hit') {
      this.hit = claim.answer;
      this.record.provider = claim.answer.provider;
      this.record.model = claim.answer.model;
    }
    if (claim.role === 'leader') {
      this.fill = claim.fill;
      this.store = policy.store;
    }
  }

  /** The call's events: a replay of the cached answer, or the live completion. */
  events(): AsyncIterable<BridgeEvent> {
    const record = this.record;
    if (this.hit) {
      const hit = this.hit;
      return (async function* () {
        for (const event of replay(hit)) {
          record.firstEventAt ??= Date.now();
          if (event.type !== 'error') record.apply(event);
          yield event;
        }
      })();
    }
    return streamCompletion(this.services.completion, {
      request: this.input.request,
      requestedModel: this.input.request.model,
      affinityKey: this.input.conversationId ?? undefined,
      signal: this.abort.signal,
      record,
    });
  }

  /**
   * The usage to report: the provider's, or a tokenizer estimate (flagged) when it gave none. A
   * call that failed before any output used nothing (providers do not bill failed requests);
   * one aborted by the client is estimated, since the prompt may have been processed.
   */
  finalUsage(status: UsageStatus = 'ok'): { usage: Usage; estimated: boolean } {
    const r = this.record;
    if (r.usage) return { usage: r.usage, estimated: this.hit?.estimated ?? false };
    if (status === 'error' && r.firstEventAt === undefined) {
      return { usage: { inputTokens: 0, outputTokens: 0, cachedTokens: 0 }, estimated: false };
    }
    const counter = this.services.counter;
    const output = r.text + r.toolCalls.map((c) => `${c.name}${c.arguments}`).join('');
    return {
      usage: {
        inputTokens: promptTokens(r.messages.length ? r.messages : this.input.request.messages, counter),
        outputTokens: counter.count(output),
        cachedTokens: 0,
      },
      estimated: true,
    };
  }

  /** Classifies a failure thrown while the call ran. */
  static statusOf(err: unknown): UsageStatus {
    return err instanceof ProviderError && err.kind === 'aborted' ? 'aborted' : 'error';
  }

  /** Ends the call: every path goes through here exactly once. */
  async finish(status: UsageStatus): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    const { services, record, input } = this;
    this.unregister();
    const effective: UsageStatus = record.failure ? 'error' : status;
    const cacheable =
      effective === 'ok' &&
      this.store &&
      record.toolCalls.length === 0 &&
      (record.finishReason === 'stop' || record.finishReason === 'length');
    try {
      await this.admission.release();
      if (this.fill) {
        const { usage, estimated } = cacheable ? this.finalUsage() : { usage: undefined, estimated: false };
        await this.fill(
          cacheable && usage && record.provider && record.model && record.finishReason
            ? {
                provider: record.provider,
                model: record.model,
                content: record.text,
                finishReason: record.finishReason,
                usage,
                estimated,
                createdAt: new Date().toISOString(),
              }
            : undefined,
        );
      }
      // A call that never reached a provider (no model, client error before routing) used nothing.
      if (!record.provider || !record.model) return;
      const { usage, estimated } = this.finalUsage(effective);
      const data = buildUsage({
        requestId: input.requestId,
        provider: record.provider,
        model: record.model,
        operation: 'chat',
        usage,
        estimated,
        startedAt: record.startedAt,
        endedAt: Date.now(),
        firstTokenAt: record.firstEventAt,
        streaming: input.stream,
        replica: this.hit ? null : record.replica,
        status: effective,
        cacheHit: this.hit !== undefined,
        conversationId: input.conversationId,
      });
      recordMetrics(services.metrics, data);
      await Promise.all([
        publishUsage(services.cache, input.userId, data),
        services.limits.account(
          input.userId,
          this.admission,
          usage.inputTokens + usage.outputTokens,
          data.costMicroUsd,
        ),
      ]);
    } catch (err) {
      services.logger.error({ err, requestId: input.requestId }, 'recording AI usage failed');
    }
  }
}

export function recordMetrics(metrics: AiMetrics, data: ReturnType<typeof buildUsage>): void {
  const model = metrics.modelLabel(data.model);
  metrics.requests.inc({
    provider: data.provider,
    model,
    operation: data.operation,
    status: data.status,
    cache: data.cacheHit ? 'hit' : 'miss',
  });
  metrics.tokens.inc({ provider: data.provider, model, direction: 'input' }, data.inputTokens);
  metrics.tokens.inc({ provider: data.provider, model, direction: 'output' }, data.outputTokens);
  if (data.costMicroUsd > 0) metrics.cost.inc({ provider: data.provider, model }, data.costMicroUsd);
  if (!data.costKnown) metrics.unpriced.inc({ provider: data.provider });
  if (data.ttftMs !== null && !data.cacheHit)
    metrics.ttft.observe({ provider: data.provider }, data.ttftMs / 1000);
}

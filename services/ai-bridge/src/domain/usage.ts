// The usage record of one call (CONTRACT with analytics): built purely from what the call
// observed, published as an `ai.usage` domain event — for every call, aborted streams included.
import { type CacheBus, emitDomainEvent } from '@elwosa/runtime';
import { costOf } from './pricing.js';
import type { ProviderName, Usage } from './types.js';

export type UsageStatus = 'ok' | 'error' | 'aborted';

export interface UsageData {
  requestId: string;
  provider: ProviderName;
  model: string;
  operation: 'chat' | 'embedding';
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  /** Counted with the tokenizer because the provider reported no usage. */
  estimated: boolean;
  costMicroUsd: number;
  /** False for a paid model without a price in the table (the cost is then 0 and flagged). */
  costKnown: boolean;
  priceVersion: string;
  latencyMs: number;
  ttftMs: number | null;
  replica: string | null;
  status: UsageStatus;
  cacheHit: boolean;
  conversationId: string | null;
  createdAt: string;
}

export interface UsageFacts {
  requestId: string;
  provider: ProviderName;
  model: string;
  operation: 'chat' | 'embedding';
  usage: Usage;
  estimated: boolean;
  startedAt: number;
  endedAt: number;
  firstTokenAt: number | undefined;
  streaming: boolean;
  replica: string | null;
  status: UsageStatus;
  cacheHit: boolean;
  conversationId: string | null;
}

export function buildUsage(f: UsageFacts): UsageData {
  // A cache hit calls no model: nothing is charged, the prompt counts as cached.
  const cost = f.cacheHit
    ? { costMicroUsd: 0, known: true, priceVersion: costOf(f.provider, f.model, f.usage).priceVersion }
    : costOf(f.provider, f.model, f.usage);
  return {
    requestId: f.requestId,
    provider: f.provider,
    model: f.model,
    operation: f.operation,
    inputTokens: f.usage.inputTokens,
    outputTokens: f.usage.outputTokens,
    cachedTokens: f.cacheHit ? f.usage.inputTokens : f.usage.cachedTokens,
    estimated: f.estimated,
    costMicroUsd: cost.costMicroUsd,
    costKnown: cost.known,
    priceVersion: cost.priceVersion,
    latencyMs: Math.max(0, Math.round(f.endedAt - f.startedAt)),
    ttftMs:
      f.streaming && f.firstTokenAt !== undefined
        ? Math.max(0, Math.round(f.firstTokenAt - f.startedAt))
        : null,
    replica: f.replica,
    status: f.status,
    cacheHit: f.cacheHit,
    conversationId: f.conversationId,
    createdAt: new Date(f.endedAt).toISOString(),
  };
}

export const USAGE_EVENT = 'ai.usage';

export async function publishUsage(cache: CacheBus, userId: string, data: UsageData): Promise<void> {
  await emitDomainEvent(cache, USAGE_EVENT, { type: USAGE_EVENT, userId, data });
}

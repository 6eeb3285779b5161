// GET /api/ai/routing (ai:admin): the replicas as the router sees them, and the providers.
import type { ReplicaPool } from '../routing/replica-pool.js';

export interface RoutingInfo {
  pool: ReplicaPool | undefined;
  openaiBaseUrl: string | undefined;
  defaultModel: string | undefined;
  embeddingModel: string | undefined;
  fallbacks: Record<string, string[]>;
}

const iso = (ms: number) => (ms > 0 ? new Date(ms).toISOString() : null);

export function routingState(info: RoutingInfo, now = Date.now()) {
  return {
    replicas: (info.pool?.snapshot() ?? []).map((r) => ({
      url: r.url,
      healthy: r.healthy,
      inFlight: r.inFlight,
      cap: r.cap,
      coolingDown: r.cooldownUntil > now,
      cooldownRemainingMs: Math.max(0, r.cooldownUntil - now),
      consecutiveFailures: r.consecutiveFailures,
      lastFailureAt: iso(r.lastFailureAt),
      lastError: r.lastError ?? null,
      lastProbeAt: iso(r.lastProbeAt),
      version: r.version ?? null,
      models: r.models ? [...r.models].sort() : null,
      loaded: [...r.loaded].sort(),
    })),
    openai: { configured: info.openaiBaseUrl !== undefined, baseUrl: info.openaiBaseUrl ?? null },
    defaultModel: info.defaultModel ?? null,
    embeddingModel: info.embeddingModel ?? null,
    fallbacks: info.fallbacks,
  };
}

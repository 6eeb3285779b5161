// Which chat requests the response cache may answer, and under which key (pure). Only
// deterministic requests (temperature 0) or ones that opt in; never a tool turn (tools offered,
// tool calls or tool results in the history); `Cache-Control: no-cache` skips the lookup and
// `no-store` the write. The key is sha256 of the canonical JSON of everything that shapes the
// answer, namespaced by user so one user's answers never reach another.
import { createHash } from 'node:crypto';
import type { ChatRequest } from './types.js';

export const CACHE_KEY_VERSION = 'v1';

export interface CachePolicy {
  lookup: boolean;
  store: boolean;
  /** Why it is bypassed entirely (for logs and the `x-elwosa-cache` header). */
  bypass?: 'tools' | 'non-deterministic' | 'disabled';
}

export function isToolTurn(request: ChatRequest): boolean {
  return (
    (request.tools?.length ?? 0) > 0 ||
    request.messages.some((m) => m.role === 'tool' || (m.toolCalls?.length ?? 0) > 0)
  );
}

export function cachePolicy(
  request: ChatRequest,
  headers: { optIn: boolean; cacheControl: string | undefined },
): CachePolicy {
  if (isToolTurn(request)) return { lookup: false, store: false, bypass: 'tools' };
  if (!(request.temperature === 0 || headers.optIn))
    return { lookup: false, store: false, bypass: 'non-deterministic' };
  const cc = (headers.cacheControl ?? '').toLowerCase();
  const lookup = !/\bno-cache\b/.test(cc);
  const store = !/\bno-store\b/.test(cc);
  return lookup || store ? { lookup, store } : { lookup, store, bypass: 'disabled' };
}

/** JSON with object keys sorted and undefined members left out, so equal requests serialise equally. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function cacheKey(userId: string, request: ChatRequest): string {
  const material = {
    model: request.model,
    messages: request.messages.map((m) => ({ role: m.role, content: m.content, name: m.name })),
    temperature: request.temperature,
    topP: request.topP,
    seed: request.seed,
    maxTokens: request.maxTokens,
    stop: request.stop,
    responseFormat: request.responseFormat,
  };
  const hash = createHash('sha256').update(canonicalJson(material)).digest('hex');
  return `ai:cache:${CACHE_KEY_VERSION}:${userId}:${hash}`;
}

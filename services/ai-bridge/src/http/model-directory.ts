// GET /v1/models: what the Ollama replicas reported plus OpenAI's own list (asked at most once
// a minute; its last good answer is kept when it fails).
import type { ReplicaPool } from '../routing/replica-pool.js';

export interface ModelEntry {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

export interface ModelDirectory {
  list(): Promise<{ object: 'list'; data: ModelEntry[] }>;
}

export function createModelDirectory(options: {
  pool: ReplicaPool | undefined;
  listOpenAI: (() => Promise<string[]>) | undefined;
  ttlMs?: number;
}): ModelDirectory {
  const ttl = options.ttlMs ?? 60_000;
  let openai: { ids: string[]; at: number } = { ids: [], at: 0 };
  const openaiIds = async () => {
    if (!options.listOpenAI || Date.now() - openai.at < ttl) return openai.ids;
    try {
      openai = { ids: await options.listOpenAI(), at: Date.now() };
    } catch {
      openai = { ids: openai.ids, at: Date.now() };
    }
    return openai.ids;
  };
  const entry = (id: string, owner: string): ModelEntry => ({
    id,
    object: 'model',
    created: 0,
    owned_by: owner,
  });
  return {
    async list() {
      const ollama = options.pool?.knownModels() ?? [];
      return {
        object: 'list',
        data: [
          ...ollama.map((id) => entry(id, 'ollama')),
          ...(await openaiIds()).map((id) => entry(id, 'openai')),
        ],
      };
    },
  };
}

// Which embedder the platform's settings ask for (pure; docs/memory.md has the table):
//   ELWOSA_EMBEDDING_MODEL unset       → the offline sentence model (local:use-lite)
//   hash | hash:<dim>                  → the hashing embedder (tests, cheap fallback)
//   local | local:use-lite             → the offline sentence model
//   ollama:<model>                     → Ollama /api/embed on OLLAMA_URLS (required)
//   openai:<model>                     → OpenAI /v1/embeddings (OPENAI_API_KEY or OPENAI_BASE_URL)
//   <model> (no known prefix)          → Ollama when OLLAMA_URLS is set, else OpenAI when
//                                        OPENAI_API_KEY is set, else a configuration error
import { HASH_DEFAULT_DIM } from './hash-embedder.js';

export type EmbedderChoice =
  | { provider: 'hash'; dim: number }
  | { provider: 'local' }
  | { provider: 'ollama'; model: string; urls: string[] }
  | { provider: 'openai'; model: string; apiKey: string; baseUrl: string | undefined };

export interface EmbeddingSettings {
  ELWOSA_EMBEDDING_MODEL?: string | undefined;
  OLLAMA_URLS: readonly string[];
  OPENAI_API_KEY?: string | undefined;
  OPENAI_BASE_URL?: string | undefined;
}

export class EmbedderConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmbedderConfigError';
  }
}

const PREFIXES = ['hash', 'local', 'ollama', 'openai'] as const;
type Prefix = (typeof PREFIXES)[number];

function split(value: string): { prefix: Prefix | undefined; name: string } {
  const colon = value.indexOf(':');
  const head = colon < 0 ? value : value.slice(0, colon);
  if ((PREFIXES as readonly string[]).includes(head)) {
    return { prefix: head as Prefix, name: colon < 0 ? '' : value.slice(colon + 1) };
  }
  // Ollama tags contain colons too (`nomic-embed-text:latest`): no known prefix, whole name.
  return { prefix: undefined, name: value };
}

function ollama(model: string, s: EmbeddingSettings): EmbedderChoice {
  if (!model) throw new EmbedderConfigError('ELWOSA_EMBEDDING_MODEL: ollama: needs a model name');
  if (s.OLLAMA_URLS.length === 0) {
    throw new EmbedderConfigError(`ELWOSA_EMBEDDING_MODEL: ollama:${model} needs OLLAMA_URLS`);
  }
  return { provider: 'ollama', model, urls: [...s.OLLAMA_URLS] };
}

function openai(model: string, s: EmbeddingSettings): EmbedderChoice {
  if (!model) throw new EmbedderConfigError('ELWOSA_EMBEDDING_MODEL: openai: needs a model name');
  if (!s.OPENAI_API_KEY && !s.OPENAI_BASE_URL) {
    throw new EmbedderConfigError(
      `ELWOSA_EMBEDDING_MODEL: openai:${model} needs OPENAI_API_KEY or OPENAI_BASE_URL`,
    );
  }
  // An OpenAI-compatible server without authentication still gets a (dummy) key: the client requires one.
  return { provider: 'openai', model, apiKey: s.OPENAI_API_KEY || 'unused', baseUrl: s.OPENAI_BASE_URL };
}

export function selectEmbedder(s: EmbeddingSettings): EmbedderChoice {
  const value = s.ELWOSA_EMBEDDING_MODEL?.trim();
  if (!value) return { provider: 'local' };
  const { prefix, name } = split(value);
  switch (prefix) {
    case 'hash': {
      if (!name) return { provider: 'hash', dim: HASH_DEFAULT_DIM };
      const dim = Number(name);
      if (!Number.isInteger(dim) || dim < 8 || dim > 4096) {
        throw new EmbedderConfigError('ELWOSA_EMBEDDING_MODEL: hash:<dim> needs a dimension from 8 to 4096');
      }
      return { provider: 'hash', dim };
    }
    case 'local':
      if (name && name !== 'use-lite') {
        throw new EmbedderConfigError(`ELWOSA_EMBEDDING_MODEL: unknown local model ${name} (only use-lite)`);
      }
      return { provider: 'local' };
    case 'ollama':
      return ollama(name, s);
    case 'openai':
      return openai(name, s);
    default:
      if (s.OLLAMA_URLS.length > 0) return ollama(name, s);
      if (s.OPENAI_API_KEY) return openai(name, s);
      throw new EmbedderConfigError(
        `ELWOSA_EMBEDDING_MODEL: ${name} names a model but neither OLLAMA_URLS nor OPENAI_API_KEY is set (prefix it with ollama:, openai:, local or hash)`,
      );
  }
}

// Settings the memory service reads: the platform's embedding variables (ELWOSA_EMBEDDING_MODEL,
// OLLAMA_URLS, OPENAI_API_KEY, OPENAI_BASE_URL; see embedding/select.ts for the rules) and its own.
import { env } from '@elwosa/runtime';
import { z } from 'zod';

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v?.trim() ? v.trim() : undefined));

export const memoryEnvSchema = z.object({
  ELWOSA_EMBEDDING_MODEL: optionalString,
  OLLAMA_URLS: env.list().default([]).pipe(z.array(env.url())),
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: env.url().optional(),
  /** `auto`: pgvector when the extension exists (or can be created), otherwise in process. */
  ELWOSA_MEMORY_VECTOR_BACKEND: z.enum(['auto', 'pgvector', 'in-process']).default('auto'),
  /** Memory for in-process vector caches (all users together), in MiB. */
  ELWOSA_MEMORY_VECTOR_CACHE_MB: env.positiveInt().max(65_536).default(512),
  /** Memories re-embedded per batch when the embedding model changed. */
  ELWOSA_MEMORY_REEMBED_BATCH: env.positiveInt().max(1000).default(64),
  /** How often the re-embedding job looks for memories without a vector of the current model. */
  ELWOSA_MEMORY_REEMBED_INTERVAL_MS: env.positiveInt().default(60_000),
  /** Per request to a remote embedding provider. */
  ELWOSA_EMBEDDING_TIMEOUT_MS: env.positiveInt().max(600_000).default(30_000),
});
export type MemoryEnv = z.output<typeof memoryEnvSchema>;

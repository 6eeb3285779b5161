// Settings only the ai-bridge reads. The platform names (ARCHITECTURE §3) come first; the
// ELWOSA_AI_* knobs have defaults that suit one GPU node. docs/ai.md lists them all.
import { env } from '@elwosa/runtime';
import { z } from 'zod';

const optional = z
  .string()
  .optional()
  .transform((v) => (v?.trim() ? v.trim() : undefined));

const urlList = z
  .string()
  .default('')
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim().replace(/\/+$/, ''))
      .filter(Boolean),
  )
  .pipe(z.array(z.url({ protocol: /^https?$/, message: 'must be comma-separated http(s) URLs' })));

/** `a=b|c;d=e` → { a: [b, c], d: [e] } */
const fallbackChains = z
  .string()
  .default('')
  .transform((v, ctx) => {
    const chains: Record<string, string[]> = {};
    for (const part of v
      .split(';')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const [model, rest] = part.split('=');
      const next = (rest ?? '')
        .split('|')
        .map((s) => s.trim())
        .filter(Boolean);
      if (!model?.trim() || next.length === 0) {
        ctx.addIssue({ code: 'custom', message: 'expected model=fallback1|fallback2;other=…' });
        return z.NEVER;
      }
      chains[model.trim()] = next;
    }
    return chains;
  });

/** `model=8192,other=32768` */
const contextLengths = z
  .string()
  .default('')
  .transform((v, ctx) => {
    const out: Record<string, number> = {};
    for (const part of v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const at = part.lastIndexOf('=');
      const n = Number(part.slice(at + 1));
      if (at <= 0 || !Number.isInteger(n) || n <= 0) {
        ctx.addIssue({ code: 'custom', message: 'expected model=tokens,other=tokens' });
        return z.NEVER;
      }
      out[part.slice(0, at)] = n;
    }
    return out;
  });

const ms = () => env.positiveInt().max(24 * 3_600_000);
const count = () => z.coerce.number().int().min(0).max(1_000_000_000);

export const aiEnvSchema = z.object({
  OLLAMA_URLS: urlList,
  OPENAI_API_KEY: optional,
  OPENAI_BASE_URL: env.url().optional(),
  ELWOSA_DEFAULT_MODEL: optional,
  ELWOSA_EMBEDDING_MODEL: optional,
  ELWOSA_AI_FALLBACKS: fallbackChains,
  ELWOSA_AI_CONTEXT_LENGTHS: contextLengths,
  /** The largest `num_ctx` the bridge asks Ollama for (memory grows with it). */
  ELWOSA_AI_MAX_NUM_CTX: env.positiveInt().max(2_000_000).default(8192),
  ELWOSA_AI_REPLICA_CONCURRENCY: env.positiveInt().max(10_000).default(4),
  ELWOSA_AI_QUEUE_TIMEOUT_MS: ms().default(10_000),
  ELWOSA_AI_MAX_ATTEMPTS: env.positiveInt().max(10).default(3),
  ELWOSA_AI_PROBE_INTERVAL_MS: z.coerce.number().int().min(3000).max(3_600_000).default(10_000),
  ELWOSA_AI_PROBE_TIMEOUT_MS: ms().default(5_000),
  ELWOSA_AI_COOLDOWN_MS: ms().default(5_000),
  ELWOSA_AI_COOLDOWN_MAX_MS: ms().default(30_000),
  ELWOSA_AI_CONNECT_TIMEOUT_MS: ms().default(2_000),
  ELWOSA_AI_TTFT_TIMEOUT_MS: ms().default(60_000),
  ELWOSA_AI_IDLE_TIMEOUT_MS: ms().default(30_000),
  ELWOSA_AI_TOTAL_TIMEOUT_MS: ms().default(600_000),
  /** SSE comment interval while the first token is awaited (below the gateway's 30 s idle limit). */
  ELWOSA_AI_SSE_KEEPALIVE_MS: ms().default(10_000),
  ELWOSA_AI_CACHE_TTL_S: env
    .positiveInt()
    .max(30 * 86_400)
    .default(3600),
  ELWOSA_AI_RPM: count().default(60),
  ELWOSA_AI_TPM: count().default(200_000),
  ELWOSA_AI_MAX_STREAMS: count().default(4),
  /** Per user and calendar month (UTC), in micro-USD; 0 = no budget. */
  ELWOSA_AI_MONTHLY_BUDGET_MICRO_USD: count().default(10_000_000),
});
export type AiEnv = z.output<typeof aiEnvSchema>;

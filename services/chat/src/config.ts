// Settings only the chat service reads (the platform-wide ones are in @elwosa/runtime).
import { env } from '@elwosa/runtime';
import { z } from 'zod';

export const chatEnvSchema = z.object({
  /** The model the agent uses unless a request names one; unset: the first model ai-bridge lists. */
  ELWOSA_DEFAULT_MODEL: z
    .string()
    .optional()
    .transform((v) => (v?.trim() ? v.trim() : undefined)),
  /** Tool rounds per turn; after that the model must answer in text. */
  ELWOSA_CHAT_MAX_TOOL_STEPS: env.positiveInt().max(20).default(5),
  /** Token budget of the prompt (system context + history); older turns are dropped past it. */
  ELWOSA_CHAT_CONTEXT_TOKENS: env.positiveInt().min(512).max(1_000_000).default(8000),
  /** Longest a whole turn (model calls and tools) may run, in seconds. */
  ELWOSA_CHAT_TURN_TIMEOUT_SECONDS: env.positiveInt().max(3600).default(300),
  /** Text deltas are batched for this long before they go out as one event. */
  ELWOSA_CHAT_DELTA_FLUSH_MS: z.coerce.number().int().min(0).max(1000).default(30),
});
export type ChatEnv = z.output<typeof chatEnvSchema>;

export interface AgentLimits {
  maxToolSteps: number;
  contextTokens: number;
  /** Memories of each kind (pinned, recalled) and open tasks put into the context. */
  maxPinned: number;
  maxRecalled: number;
  maxTasks: number;
  /** Characters of one memory or task line in the context. */
  maxItemChars: number;
  turnTimeoutMs: number;
  deltaFlushMs: number;
}

export function agentLimits(e: ChatEnv): AgentLimits {
  return {
    maxToolSteps: e.ELWOSA_CHAT_MAX_TOOL_STEPS,
    contextTokens: e.ELWOSA_CHAT_CONTEXT_TOKENS,
    maxPinned: 10,
    maxRecalled: 5,
    maxTasks: 20,
    maxItemChars: 300,
    turnTimeoutMs: e.ELWOSA_CHAT_TURN_TIMEOUT_SECONDS * 1000,
    deltaFlushMs: e.ELWOSA_CHAT_DELTA_FLUSH_MS,
  };
}

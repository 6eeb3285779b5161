// Context-window trimming (pure): Ollama silently cuts prompts longer than `num_ctx`, so the
// bridge trims the history itself. Always kept: every system message, every message whose
// `name` starts with `pinned` (pinned memories), and the latest message. Then the latest turns
// that still fit, newest first; an assistant message with tool calls and the tool results
// answering it are kept or dropped together, so no tool result loses its call.
import { messageTokenBound, messageTokens, type TokenCounter } from './tokens.js';
import type { ChatMessage } from './types.js';

export const PINNED_NAME_PREFIX = 'pinned';

export const isPinned = (m: ChatMessage): boolean =>
  m.role === 'system' || (m.name?.startsWith(PINNED_NAME_PREFIX) ?? false);

export interface TrimResult {
  messages: ChatMessage[];
  /** Messages dropped (0 when everything fit). */
  dropped: number;
  /** Tokens of the kept messages (an upper bound when nothing had to be tokenized). */
  tokens: number;
  /** The kept messages alone exceed the budget (the caller answers 400). */
  overflow: boolean;
}

/** Groups of indices that stand or fall together: a tool-calling turn and its results. */
function groups(messages: readonly ChatMessage[]): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    const prev = out.at(-1);
    const prevFirst = prev ? messages[prev[0]!] : undefined;
    if (m.role === 'tool' && prev && (prevFirst?.toolCalls?.length ?? 0) > 0) prev.push(i);
    else out.push([i]);
  }
  return out;
}

export function trimToBudget(
  messages: readonly ChatMessage[],
  budget: number,
  counter: TokenCounter,
): TrimResult {
  const bound = messages.reduce((n, m) => n + messageTokenBound(m), 0);
  if (bound <= budget) return { messages: [...messages], dropped: 0, tokens: bound, overflow: false };

  const cost = messages.map((m) => messageTokens(m, counter));
  const total = cost.reduce((a, b) => a + b, 0);
  if (total <= budget) return { messages: [...messages], dropped: 0, tokens: total, overflow: false };

  const keep = new Set<number>();
  const all = groups(messages);
  const lastGroup = all.at(-1) ?? [];
  for (const g of all)
    if (g.some((i) => isPinned(messages[i]!)) || g === lastGroup) for (const i of g) keep.add(i);
  let used = [...keep].reduce((n, i) => n + cost[i]!, 0);
  if (used > budget) {
    return {
      messages: [...keep].sort((a, b) => a - b).map((i) => messages[i]!),
      dropped: messages.length - keep.size,
      tokens: used,
      overflow: true,
    };
  }
  for (const g of [...all].reverse()) {
    if (g.every((i) => keep.has(i))) continue;
    const groupCost = g.reduce((n, i) => n + cost[i]!, 0);
    if (used + groupCost > budget) break;
    used += groupCost;
    for (const i of g) keep.add(i);
  }
  const kept = [...keep].sort((a, b) => a - b).map((i) => messages[i]!);
  return { messages: kept, dropped: messages.length - kept.length, tokens: used, overflow: false };
}

// Cost of one call in integer micro-USD (pure), from the versioned price table.
import { openaiModelInfo, PRICE_TABLE_VERSION } from './price-table.js';
import type { ProviderName, Usage } from './types.js';

export interface Cost {
  costMicroUsd: number;
  /** False for a paid model the table does not price (the cost is then 0 and flagged). */
  known: boolean;
  priceVersion: string;
}

export function costOf(provider: ProviderName, model: string, usage: Usage): Cost {
  if (provider === 'ollama') return { costMicroUsd: 0, known: true, priceVersion: PRICE_TABLE_VERSION };
  const info = openaiModelInfo(model);
  if (!info) return { costMicroUsd: 0, known: false, priceVersion: PRICE_TABLE_VERSION };
  const cached = Math.min(usage.cachedTokens, usage.inputTokens);
  const microUsdTimesMillion =
    (usage.inputTokens - cached) * info.price.input +
    cached * info.price.cachedInput +
    usage.outputTokens * info.price.output;
  return {
    costMicroUsd: Math.ceil(microUsdTimesMillion / 1e6),
    known: true,
    priceVersion: PRICE_TABLE_VERSION,
  };
}

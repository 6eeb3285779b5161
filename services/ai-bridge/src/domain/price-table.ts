// The versioned table of what paid models cost (micro-USD per million tokens, from the
// providers' public list prices on the version date) and their context windows. Local models
// (Ollama) cost nothing. A paid model missing here is "unpriced": its usage records say so
// (`costKnown: false`) instead of pretending it was free. Bump `version` with every change.

export interface ModelPrice {
  /** µUSD per 1M uncached input tokens. */
  input: number;
  /** µUSD per 1M cached input tokens. */
  cachedInput: number;
  /** µUSD per 1M output tokens. */
  output: number;
}

export interface ModelInfo {
  price: ModelPrice;
  contextLength?: number;
}

const usd = (input: number, cachedInput: number, output: number): ModelPrice => ({
  input: Math.round(input * 1e6),
  cachedInput: Math.round(cachedInput * 1e6),
  output: Math.round(output * 1e6),
});

export const PRICE_TABLE_VERSION = '2026-11-01';

export const OPENAI_MODELS: Readonly<Record<string, ModelInfo>> = {
  'gpt-5': { price: usd(1.25, 0.125, 10), contextLength: 400_000 },
  'gpt-5-mini': { price: usd(0.25, 0.025, 2), contextLength: 400_000 },
  'gpt-5-nano': { price: usd(0.05, 0.005, 0.4), contextLength: 400_000 },
  'gpt-4.1': { price: usd(2, 0.5, 8), contextLength: 1_047_576 },
  'gpt-4.1-mini': { price: usd(0.4, 0.1, 1.6), contextLength: 1_047_576 },
  'gpt-4.1-nano': { price: usd(0.1, 0.025, 0.4), contextLength: 1_047_576 },
  'gpt-4o': { price: usd(2.5, 1.25, 10), contextLength: 128_000 },
  'gpt-4o-mini': { price: usd(0.15, 0.075, 0.6), contextLength: 128_000 },
  o3: { price: usd(2, 0.5, 8), contextLength: 200_000 },
  'o4-mini': { price: usd(1.1, 0.275, 4.4), contextLength: 200_000 },
  'text-embedding-3-small': { price: usd(0.02, 0.02, 0), contextLength: 8_191 },
  'text-embedding-3-large': { price: usd(0.13, 0.13, 0), contextLength: 8_191 },
  'text-embedding-ada-002': { price: usd(0.1, 0.1, 0), contextLength: 8_191 },
};

/** The entry for `model`: exact id, else the longest id it starts with (dated snapshots). */
export function openaiModelInfo(model: string): ModelInfo | undefined {
  const exact = OPENAI_MODELS[model];
  if (exact) return exact;
  let best: string | undefined;
  for (const id of Object.keys(OPENAI_MODELS)) {
    if (model.startsWith(`${id}-`) && (!best || id.length > best.length)) best = id;
  }
  return best ? OPENAI_MODELS[best] : undefined;
}

// Which provider serves a requested model, the fallback chain, and each model's context window.
//   - `ollama/<name>` and `openai/<name>` pick the provider explicitly;
//   - "default" (or no model) means ELWOSA_DEFAULT_MODEL;
//   - a model some Ollama replica reported goes to Ollama (`name` means `name:latest`);
//   - a model in the OpenAI price table, or any model when no Ollama is configured, goes to
//     OpenAI; anything else to Ollama (whose 404 then says it is missing).
// Context lengths: ELWOSA_AI_CONTEXT_LENGTHS, then what `/api/show` reported (asked once per
// model), then the price table for OpenAI models; Ollama's own default (4096) otherwise.
import { openaiModelInfo } from './price-table.js';
import type { ProviderName } from './types.js';

export const OLLAMA_DEFAULT_CONTEXT = 4096;
export const OPENAI_DEFAULT_CONTEXT = 16_384;

export interface ModelRoute {
  provider: ProviderName;
  model: string;
}

export interface ModelSource {
  /** True when an Ollama replica reported the model. */
  reports(model: string): boolean;
}

export interface CatalogOptions {
  ollama: ModelSource | undefined;
  openai: boolean;
  defaultModel: string | undefined;
  embeddingModel: string | undefined;
  fallbacks: Readonly<Record<string, string[]>>;
  contextOverrides: Readonly<Record<string, number>>;
  /** `/api/show` on a replica. */
  showContextLength?: (replicaUrl: string, model: string) => Promise<number | undefined>;
}

export const withLatestTag = (name: string): string => (name.includes(':') ? name : `${name}:latest`);

export class ModelCatalog {
  private readonly learned = new Map<string, number>();

  constructor(private readonly options: CatalogOptions) {}

  get configured(): boolean {
    return this.options.ollama !== undefined || this.options.openai;
  }

  resolve(requested: string | undefined, kind: 'chat' | 'embedding' = 'chat'): ModelRoute | undefined {
    const fallbackName = kind === 'chat' ? this.options.defaultModel : this.options.embeddingModel;
    const name = !requested || requested === 'default' ? fallbackName : requested;
    if (!name) return undefined;
    const { ollama, openai } = this.options;
    if (name.startsWith('ollama/'))
      return ollama ? { provider: 'ollama', model: withLatestTag(name.slice(7)) } : undefined;
    if (name.startsWith('openai/')) return openai ? { provider: 'openai', model: name.slice(7) } : undefined;
    const tagged = withLatestTag(name);
    if (ollama?.reports(tagged)) return { provider: 'ollama', model: tagged };
    if (openai && (openaiModelInfo(name) || !ollama)) return { provider: 'openai', model: name };
    if (ollama) return { provider: 'ollama', model: tagged };
    return undefined;
  }

  /** The requested model and its fallbacks (ELWOSA_AI_FALLBACKS), resolved and without repeats. */
  plan(requested: string | undefined): ModelRoute[] {
    const first = this.resolve(requested);
    if (!first) return [];
    const raw = requested && requested !== 'default' ? requested : (this.options.defaultModel ?? '');
    const names = this.options.fallbacks[raw] ?? this.options.fallbacks[first.model] ?? [];
    const out = [first];
    for (const n of names) {
      const r = this.resolve(n);
      if (r && !out.some((o) => o.provider === r.provider && o.model === r.model)) out.push(r);
    }
    return out;
  }

  async contextLength(route: ModelRoute, replicaUrl?: string): Promise<number> {
    const override = this.options.contextOverrides[route.model];
    if (override) return override;
    if (route.provider === 'openai')
      return openaiModelInfo(route.model)?.contextLength ?? OPENAI_DEFAULT_CONTEXT;
    const known = this.learned.get(route.model);
    if (known) return known;
    if (replicaUrl && this.options.showContextLength) {
      try {
        const n = await this.options.showContextLength(replicaUrl, route.model);
        if (n) {
          this.learned.set(route.model, n);
          return n;
        }
      } catch {
        // Unknown for now; asked again next time.
      }
    }
    return OLLAMA_DEFAULT_CONTEXT;
  }
}

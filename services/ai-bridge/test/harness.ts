// Integration set-up: fake providers, the platform (auth + ai-bridge + gateway) pointed at them,
// registered users, and the official `openai` client aimed at ELWOSA's /v1 through the gateway.
import { CacheUnavailableError, parseDomainEvent } from '@elwosa/runtime';
import OpenAI from 'openai';
import { type BackendKind, startTestPlatform, type TestPlatform } from '../../../test-support/platform.ts';
import { Api, registerAndLogin, type Tokens, uniqueEmail } from '../../auth/test/client.js';
import type { UsageData } from '../src/domain/usage.js';

export interface BridgeHarness {
  platform: TestPlatform;
  api: Api;
  admin: Tokens;
  stop(): Promise<void>;
  newUser(): Promise<Tokens>;
  /** The official client, as an outside program would use it, with the user's bearer token. */
  openai(tokens: Tokens, headers?: Record<string, string>): OpenAI;
  /**
   * The same client aimed at the bridge itself, as services call it (ELWOSA_SERVICE_AI_BRIDGE_URL):
   * the gateway drops client-sent `x-elwosa-*` headers, so the conversation id and the cache
   * opt-in only arrive on this path.
   */
  openaiDirect(tokens: Tokens, headers?: Record<string, string>): OpenAI;
  /** Resolves once every Ollama replica has been probed successfully (models known). */
  waitForProbes(timeoutMs?: number): Promise<void>;
  /** `ai.usage` events so far, oldest first. */
  usageEvents(): Promise<(UsageData & { userId: string })[]>;
  /** Waits until `predicate` holds for the usage events (they are published after the answer). */
  waitForUsage(
    predicate: (events: (UsageData & { userId: string })[]) => boolean,
    timeoutMs?: number,
  ): Promise<(UsageData & { userId: string })[]>;
}

const client = (base: string, tokens: Tokens, headers: Record<string, string>) =>
  new OpenAI({
    baseURL: `${base}/v1`,
    apiKey: tokens.accessToken,
    maxRetries: 0,
    timeout: 20_000,
    defaultHeaders: headers,
  });

/**
 * Free ports are picked before the services listen, so on a busy machine another process can
 * take one in between (EADDRINUSE): start again on fresh ports then.
 */
async function startPlatform(kind: BackendKind, env: Record<string, string>): Promise<TestPlatform> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startTestPlatform({ kind, targets: ['auth', 'ai-bridge', 'gateway'], env });
    } catch (err) {
      if (attempt >= 3 || (err as { code?: unknown }).code !== 'EADDRINUSE') throw err;
    }
  }
}

export async function startBridge(kind: BackendKind, env: Record<string, string>): Promise<BridgeHarness> {
  const platform = await startPlatform(kind, {
    ELWOSA_RATE_LIMIT_PER_MINUTE: '1000000',
    LOG_LEVEL: 'warn',
    ...env,
  });
  const api = new Api(platform.url);
  const admin = await registerAndLogin(api, uniqueEmail('ai-admin'));
  const usageEvents = async () => {
    const out: (UsageData & { userId: string })[] = [];
    let after = '0';
    for (;;) {
      const batch = await platform.deps.cache.readRange('events:ai.usage', after, 500);
      for (const entry of batch) {
        const event = parseDomainEvent(entry);
        out.push({ ...(event.data as UsageData), userId: event.userId });
      }
      if (batch.length < 500) return out;
      after = batch.at(-1)!.id;
    }
  };
  return {
    platform,
    api,
    admin,
    stop: () => platform.stop(),
    newUser: () => registerAndLogin(api, uniqueEmail('ai-user')),
    openai: (tokens, headers = {}) => client(platform.url, tokens, headers),
    openaiDirect: (tokens, headers = {}) => client(platform.urlOf('ai-bridge'), tokens, headers),
    usageEvents,

    async waitForProbes(timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const state = await api.get<{ replicas: { models: string[] | null }[] }>(
          '/api/ai/routing',
          admin.accessToken,
        );
        if (state.status === 200 && state.body.replicas.every((r) => r.models !== null)) return;
        if (Date.now() > deadline) throw new Error(`replicas never probed: ${JSON.stringify(state.body)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async waitForUsage(predicate, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        // A read that times out on a loaded CI machine (the cache's 1 s command timeout) is
        // asked again, not a failure of what the test checks.
        const events = await usageEvents().catch((err: unknown) => {
          if (err instanceof CacheUnavailableError && Date.now() < deadline) return undefined;
          throw err;
        });
        if (events && predicate(events)) return events;
        if (Date.now() > deadline)
          throw new Error(`usage events never matched: ${JSON.stringify(events?.slice(-5))}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

// The chat integration tests' platform: auth, tasks, chat and the gateway (plus memory when a
// test needs it) against real or embedded backends, and a scriptable fake model behind
// ai-bridge — the real ai-bridge in front of a fake Ollama when the build registers it,
// otherwise a fake OpenAI server standing in for ai-bridge's OpenAI-compatible /v1.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableTargets } from '@elwosa/cli/service-registry';
import type { Target } from '@elwosa/runtime';
import {
  type FakeServerBase,
  fakeModels,
  startFakeOllama,
  startFakeOpenAI,
} from '../../../../test-support/ai/index.ts';
import { type BackendKind, startTestPlatform, type TestPlatform } from '../../../../test-support/platform.ts';
import { Api, registerAndLogin, uniqueEmail } from '../../../auth/test/client.js';

export interface User {
  id: string;
  token: string;
}

export interface ChatHarness {
  platform: TestPlatform;
  api: Api;
  /** The fake model server (scenarios via `next()`), or undefined with `provider: 'none'`. */
  fake: FakeServerBase | undefined;
  /** The path the fake serves chat completions on. */
  chatPath: string;
  viaBridge: boolean;
  newUser(prefix?: string): Promise<User>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  kind: BackendKind;
  /** `none`: no model provider at all (the "nothing configured" case). */
  provider?: 'fake' | 'none';
  memory?: boolean;
  env?: Record<string, string>;
}

export const bridgeAvailable = (): boolean => availableTargets().includes('ai-bridge');

export async function startChatHarness(options: HarnessOptions): Promise<ChatHarness> {
  const viaBridge = bridgeAvailable();
  const provider = options.provider ?? 'fake';
  const fake =
    provider === 'none'
      ? undefined
      : viaBridge
        ? await startFakeOllama({ models: [{ ...fakeModels.llama, loaded: true }] })
        : await startFakeOpenAI({ models: ['llama3.2'] });
  const targets: Target[] = ['auth', 'tasks', 'chat', 'gateway'];
  if (options.memory) targets.push('memory');
  const env: Record<string, string> = {
    ELWOSA_RATE_LIMIT_PER_MINUTE: '100000',
    ELWOSA_EMBEDDING_MODEL: 'hash',
    ...(provider === 'fake' ? { ELWOSA_DEFAULT_MODEL: 'llama3.2' } : {}),
    ...options.env,
  };
  if (viaBridge) {
    targets.push('ai-bridge');
    if (fake) env.OLLAMA_URLS = fake.url;
  } else if (fake) env.ELWOSA_SERVICE_AI_BRIDGE_URL = fake.url;
  let unconfigured: http.Server | undefined;
  if (!viaBridge && !fake) {
    unconfigured = await startUnconfiguredBridge();
    env.ELWOSA_SERVICE_AI_BRIDGE_URL = `http://127.0.0.1:${(unconfigured.address() as AddressInfo).port}`;
  }
  const platform = await startTestPlatform({ kind: options.kind, targets, env });
  const api = new Api(platform.url);
  return {
    platform,
    api,
    fake,
    chatPath: viaBridge ? '/api/chat' : '/v1/chat/completions',
    viaBridge,
    async newUser(prefix = 'chat') {
      const tokens = await registerAndLogin(api, uniqueEmail(prefix));
      return { id: tokens.user.id, token: tokens.accessToken };
    },
    async stop() {
      await platform.stop();
      await fake?.close();
      await new Promise((r) => (unconfigured ? unconfigured.close(r) : r(undefined)));
    },
  };
}

/** The messages of one upstream chat request, whatever the fake's protocol. */
export function upstreamMessages(
  body: unknown,
): Array<{ role: string; content: string; [k: string]: unknown }> {
  return ((body as { messages?: unknown[] })?.messages ?? []) as Array<{ role: string; content: string }>;
}

/** Whether an upstream chat request offered tools. */
export const offeredTools = (body: unknown): string[] =>
  (((body as { tools?: unknown[] })?.tools ?? []) as Array<{ function?: { name?: string } }>).map(
    (t) => t.function?.name ?? '',
  );

export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Until ai-bridge is part of the build: what it answers with no provider configured
 * (503 problem+json), for every /v1 request.
 */
function startUnconfiguredBridge(): Promise<http.Server> {
  const server = http.createServer((_req, res) => {
    res.writeHead(503, { 'content-type': 'application/problem+json', 'retry-after': '30' });
    res.end(
      JSON.stringify({
        type: 'about:blank',
        title: 'Service Unavailable',
        status: 503,
        detail: 'no model provider configured (set OLLAMA_URLS or OPENAI_API_KEY)',
      }),
    );
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

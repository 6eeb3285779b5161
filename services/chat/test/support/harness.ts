// The chat integration tests' platform: auth, tasks, ai-bridge, chat and the gateway (plus
// memory when a test needs it) against real or embedded backends, with a scriptable fake
// Ollama behind the real ai-bridge (or no model provider at all).
import type { Target } from '@elwosa/runtime';
import { type FakeOllama, fakeModels, startFakeOllama } from '../../../../test-support/ai/index.ts';
import { type BackendKind, startTestPlatform, type TestPlatform } from '../../../../test-support/platform.ts';
import { Api, registerAndLogin, uniqueEmail } from '../../../auth/test/client.js';

export interface User {
  id: string;
  token: string;
}

/** Where the fake Ollama serves chat completions. */
export const CHAT_PATH = '/api/chat';

export interface ChatHarness {
  platform: TestPlatform;
  api: Api;
  /** The fake model server (scenarios via `next()`), or undefined with `provider: 'none'`. */
  fake: FakeOllama | undefined;
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

export async function startChatHarness(options: HarnessOptions): Promise<ChatHarness> {
  const fake =
    options.provider === 'none'
      ? undefined
      : await startFakeOllama({ models: [{ ...fakeModels.llama, loaded: true }] });
  const targets: Target[] = ['auth', 'tasks', 'ai-bridge', 'chat', 'gateway'];
  if (options.memory) targets.push('memory');
  const platform = await startTestPlatform({
    kind: options.kind,
    targets,
    env: {
      ELWOSA_RATE_LIMIT_PER_MINUTE: '100000',
      ELWOSA_EMBEDDING_MODEL: 'hash',
      ...(fake ? { OLLAMA_URLS: fake.url, ELWOSA_DEFAULT_MODEL: 'llama3.2' } : {}),
      ...options.env,
    },
  });
  const api = new Api(platform.url);
  return {
    platform,
    api,
    fake,
    async newUser(prefix = 'chat') {
      const tokens = await registerAndLogin(api, uniqueEmail(prefix));
      return { id: tokens.user.id, token: tokens.accessToken };
    },
    async stop() {
      await platform.stop();
      await fake?.close();
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

/** The value of one sample on the chat service's /metrics (0 when absent). */
export async function chatMetric(platform: TestPlatform, sample: string): Promise<number> {
  const text = await (await fetch(`${platform.urlOf('chat')}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

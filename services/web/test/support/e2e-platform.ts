// The whole platform for the dashboard's end-to-end tests, in this process: every target on
// free ports (embedded PostgreSQL and cache), the gateway serving the built dashboard, and a
// scriptable fake Ollama behind the real ai-bridge.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Target } from '@elwosa/runtime';
import { type FakeOllama, fakeModels, startFakeOllama } from '../../../../test-support/ai/index.ts';
import { startTestPlatform, type TestPlatform } from '../../../../test-support/platform.ts';

export const WEB_DIST = fileURLToPath(new URL('../../dist', import.meta.url));
const ALL: Target[] = [
  'auth',
  'tasks',
  'notifications',
  'ai-bridge',
  'memory',
  'chat',
  'analytics',
  'gateway',
];

export interface E2ePlatform {
  url: string;
  platform: TestPlatform;
  ollama: FakeOllama;
  stop(): Promise<void>;
}

export async function startE2ePlatform(): Promise<E2ePlatform> {
  if (!existsSync(`${WEB_DIST}/index.html`))
    throw new Error(`the dashboard is not built (${WEB_DIST}): run \`npm run build -w services/web\` first`);
  const ollama = await startFakeOllama({ models: [{ ...fakeModels.llama, loaded: true }] });
  const platform = await startTestPlatform({
    kind: 'embedded',
    targets: ALL,
    env: {
      ELWOSA_WEB_DIST: WEB_DIST,
      ELWOSA_RATE_LIMIT_PER_MINUTE: '100000',
      ELWOSA_EMBEDDING_MODEL: 'hash',
      OLLAMA_URLS: ollama.url,
      ELWOSA_DEFAULT_MODEL: 'llama3.2',
      LOG_LEVEL: 'warn',
    },
  });
  return {
    url: platform.url,
    platform,
    ollama,
    async stop() {
      await platform.stop();
      await ollama.close();
    },
  };
}

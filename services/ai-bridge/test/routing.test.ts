// Routing across three fake Ollama replicas through the gateway: model-aware, prefers loaded
// models, conversation affinity, passive ejection with cooldown (visible in the routing state
// and the metrics), retries before the first byte only, TTFT timeouts, and one replica killed
// in the middle of a run of streams.
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FakeOllama,
  fakeModels,
  type RecordedRequest,
  scenarios,
  startFakeOllama,
} from '../../../test-support/ai/index.ts';
import { backendKinds } from '../../../test-support/platform.ts';
import type { Tokens } from '../../auth/test/client.js';
import { type BridgeHarness, startBridge } from './harness.js';

interface ReplicaState {
  url: string;
  healthy: boolean;
  coolingDown: boolean;
  inFlight: number;
  models: string[] | null;
  loaded: string[];
}

const mentions = (r: RecordedRequest, marker: string) => JSON.stringify(r.body).includes(marker);

async function ask(client: OpenAI, content: string, model = 'llama3.2') {
  const stream = await client.chat.completions.create({
    model,
    messages: [{ role: 'user', content }],
    stream: true,
  });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
  return text;
}

describe.each(backendKinds())('routing across replicas (%s backends)', (kind) => {
  let fakes: FakeOllama[];
  let h: BridgeHarness;
  let user: Tokens;
  let client: OpenAI;
  const chatsTo = (fake: FakeOllama, marker: string) =>
    fake.requestsTo('/api/chat').filter((r) => mentions(r, marker));
  const routing = async () =>
    (await h.api.get<{ replicas: ReplicaState[] }>('/api/ai/routing', h.admin.accessToken)).body.replicas;
  const stateOf = async (fake: FakeOllama) => (await routing()).find((r) => r.url === fake.url)!;

  beforeAll(async () => {
    fakes = await Promise.all([
      startFakeOllama({ models: [fakeModels.llama, fakeModels.qwen] }),
      startFakeOllama({ models: [fakeModels.llama, fakeModels.qwen] }),
      startFakeOllama({ models: [fakeModels.llama] }),
    ]);
    h = await startBridge(kind, {
      OLLAMA_URLS: fakes.map((f) => f.url).join(','),
      ELWOSA_AI_REPLICA_CONCURRENCY: '8',
      ELWOSA_AI_MAX_STREAMS: '0',
      ELWOSA_AI_RPM: '0',
      ELWOSA_AI_TPM: '0',
      ELWOSA_AI_TTFT_TIMEOUT_MS: '1500',
      ELWOSA_AI_COOLDOWN_MS: '3000',
      ELWOSA_AI_PROBE_INTERVAL_MS: '3000',
    });
    user = await h.newUser();
    client = h.openai(user);
    await h.waitForProbes();
  });
  afterAll(async () => {
    await h?.stop();
    await Promise.all((fakes ?? []).map((f) => f.close()));
  });

  it('sends a model only to replicas that have it', async () => {
    const marker = `qwen-${Date.now()}`;
    for (let i = 0; i < 6; i++) expect(await ask(client, `${marker} ${i}`, 'qwen2.5')).toContain(marker);
    expect(chatsTo(fakes[2]!, marker)).toHaveLength(0);
    expect(chatsTo(fakes[0]!, marker).length + chatsTo(fakes[1]!, marker).length).toBe(6);
  });

  it('prefers the replica where the model is loaded', async () => {
    for (const f of fakes) f.setLoaded('llama3.2', false);
    fakes[2]!.setLoaded('llama3.2', true);
    // The bridge learns it from the next `/api/ps` probe (every 3 s here).
    await waitFor(async () =>
      (await routing()).every((r) => r.loaded.includes('llama3.2:latest') === (r.url === fakes[2]!.url)),
    );
    const marker = `loaded-${Date.now()}`;
    for (let i = 0; i < 5; i++) await ask(client, `${marker} ${i}`);
    expect(chatsTo(fakes[2]!, marker)).toHaveLength(5);
  });

  it('keeps a conversation on one replica (affinity)', async () => {
    for (const f of fakes) f.setLoaded('llama3.2', true);
    await waitFor(async () => (await routing()).every((r) => r.loaded.includes('llama3.2:latest')));
    const conversation = `conv-${Date.now()}`;
    const direct = h.openaiDirect(user, { 'x-elwosa-conversation-id': conversation });
    for (let i = 0; i < 8; i++) await ask(direct, `${conversation} turn ${i}`);
    const counts = fakes.map((f) => chatsTo(f, conversation).length);
    expect(counts.sort()).toEqual([0, 0, 8]);
  });

  it('retries a 503 "server busy" on another replica and cools the busy one down', async () => {
    const marker = `busy-${Date.now()}`;
    fakes[0]!.respondWith(() => scenarios.busy());
    try {
      for (let i = 0; i < 4; i++)
        expect(await ask(client, `${marker} ${i}`, 'qwen2.5')).toBe(`Echo: ${marker} ${i}`);
      expect(chatsTo(fakes[0]!, marker).length).toBeLessThanOrEqual(1);
      expect(chatsTo(fakes[1]!, marker)).toHaveLength(4);
      // (A probe success ends the cooldown, so the lasting traces are the error and the metrics.)
      expect((await stateOf(fakes[0]!)) as unknown).toMatchObject({
        lastError: expect.stringContaining('server busy'),
      });
      const metrics = await (await fetch(`${h.platform.urlOf('ai-bridge')}/metrics`)).text();
      expect(metrics).toMatch(/ai_errors_total\{provider="ollama",kind="status"\} [1-9]/);
      expect(metrics).toMatch(/ai_retries_total\{reason="replica"\} [1-9]/);
      expect(metrics).toContain(`ai_replica_in_flight{replica="${fakes[0]!.url}"} 0`);
    } finally {
      fakes[0]!.respondWith((body) => scenarios.reply(`Echo: ${String(body.messages?.at(-1)?.content)}`));
    }
  });

  it('answers 404 model-not-found from another replica without cooling the first down', async () => {
    const marker = `missing-${Date.now()}`;
    for (const f of fakes)
      f.respondWith((body) => scenarios.reply(`Echo: ${String(body.messages?.at(-1)?.content)}`));
    fakes[1]!.removeModel('qwen2.5');
    try {
      for (let i = 0; i < 4; i++) expect(await ask(client, `${marker} ${i}`, 'qwen2.5')).toContain(marker);
      expect(chatsTo(fakes[0]!, marker)).toHaveLength(4);
      expect(chatsTo(fakes[1]!, marker).length).toBeLessThanOrEqual(1);
      expect(await stateOf(fakes[1]!)).toMatchObject({ coolingDown: false });
    } finally {
      fakes[1]!.addModel(fakeModels.qwen);
    }
  });

  it('gives up on replicas that send no first token in time and answers from another', async () => {
    const marker = `hang-${Date.now()}`;
    fakes[0]!.respondWith(() => scenarios.hang());
    fakes[1]!.respondWith(() => scenarios.hang());
    try {
      const started = Date.now();
      for (let i = 0; i < 3; i++) expect(await ask(client, `${marker} ${i}`)).toBe(`Echo: ${marker} ${i}`);
      expect(Date.now() - started).toBeLessThan(15_000);
      const hung = [...chatsTo(fakes[0]!, marker), ...chatsTo(fakes[1]!, marker)];
      expect(hung.length).toBeGreaterThan(0);
      await waitFor(async () => hung.every((r) => r.aborted));
      expect(chatsTo(fakes[2]!, marker)).toHaveLength(3);
    } finally {
      for (const f of fakes)
        f.respondWith((body) => scenarios.reply(`Echo: ${String(body.messages?.at(-1)?.content)}`));
    }
  });

  it('never retries a stream that failed after its first chunk', async () => {
    const marker = `midstream-${Date.now()}`;
    for (const f of fakes)
      f.respondWith(() => scenarios.errorMidstream(['partial', ' answer'], 'GPU fell over'));
    try {
      const stream = await client.chat.completions.create({
        model: 'llama3.2',
        messages: [{ role: 'user', content: marker }],
        stream: true,
      });
      let text = '';
      await expect(
        (async () => {
          for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
        })(),
      ).rejects.toThrow('GPU fell over');
      expect(text).toBe('partial answer');
      expect(fakes.reduce((n, f) => n + chatsTo(f, marker).length, 0)).toBe(1);
    } finally {
      for (const f of fakes)
        f.respondWith((body) => scenarios.reply(`Echo: ${String(body.messages?.at(-1)?.content)}`));
    }
  });

  it('keeps ≥ 99 % of streams succeeding while one of three replicas is killed mid-run', async () => {
    await waitFor(async () => (await routing()).every((r) => !r.coolingDown));
    const run = `kill-${Date.now()}`;
    for (const f of fakes) {
      f.respondWith((body) => ({
        ...scenarios.reply(`Echo: ${String(body.messages?.at(-1)?.content)} done`),
        firstChunkDelayMs: 12,
        delayMs: 1,
      }));
    }
    const victim = fakes[1]!;
    const total = 1000;
    const concurrency = 9;
    let next = 0;
    let completed = 0;
    let activeAtKill = 0;
    let killed: Promise<void> | undefined;
    // Kill while the victim is in the middle of answering (streams open on it).
    const killWhenBusy = async () => {
      while (victim.activeStreams === 0) await new Promise((r) => setImmediate(r));
      activeAtKill = victim.activeStreams;
      await victim.kill();
    };
    const outcomes: { marker: string; ok: boolean; text: string }[] = [];
    const worker = async () => {
      while (next < total) {
        const marker = `${run}-${next++}`;
        let text = '';
        try {
          text = await ask(client, marker);
          outcomes.push({ marker, ok: text === `Echo: ${marker} done`, text });
        } catch {
          outcomes.push({ marker, ok: false, text });
        }
        if (++completed === total / 4) killed = killWhenBusy();
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    await killed;

    const succeeded = outcomes.filter((o) => o.ok).length;
    console.log(`replica killed mid-run with ${activeAtKill} open streams: ${succeeded}/${total} succeeded`);
    expect(activeAtKill).toBeGreaterThan(0);
    expect(outcomes).toHaveLength(total);
    expect(succeeded / total).toBeGreaterThanOrEqual(0.99);
    // A streamed answer is never stitched together from two attempts…
    for (const o of outcomes)
      if (o.text) expect(o.text).toBe(`Echo: ${o.marker} done`.slice(0, o.text.length));
    // …and one that broke after its first chunk was never sent to another replica.
    for (const o of outcomes.filter((x) => !x.ok && x.text)) {
      expect(fakes.reduce((n, f) => n + chatsTo(f, o.marker).length, 0)).toBe(1);
    }
    expect(victim.requestsTo('/api/chat').filter((r) => mentions(r, run)).length).toBeGreaterThan(0);
    expect(await stateOf(victim)).toMatchObject({ coolingDown: true });
  }, 120_000);
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition never became true');
    await new Promise((r) => setTimeout(r, 50));
  }
}

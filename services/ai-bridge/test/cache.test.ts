// The response cache end to end: deterministic requests are answered from Redis the second
// time (streamed answers replayed as chunks), per user; tool turns, errors and
// non-deterministic requests are never cached; concurrent identical misses call the model once.
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOllama, fakeModels, scenarios, startFakeOllama } from '../../../test-support/ai/index.ts';
import { backendKinds } from '../../../test-support/platform.ts';
import type { Tokens } from '../../auth/test/client.js';
import { type BridgeHarness, startBridge } from './harness.js';

const chatCalls = (fake: FakeOllama, marker: string) =>
  fake.requestsTo('/api/chat').filter((r) => JSON.stringify(r.body).includes(marker)).length;

async function streamText(client: OpenAI, content: string, temperature = 0) {
  const { data: stream, response } = await client.chat.completions
    .create({ model: 'llama3.2', messages: [{ role: 'user', content }], temperature, stream: true })
    .withResponse();
  let text = '';
  let chunks = 0;
  for await (const chunk of stream) {
    const delta = chunk.choices[0]?.delta.content;
    if (delta) {
      text += delta;
      chunks++;
    }
  }
  return { text, chunks, cache: response.headers.get('x-elwosa-cache') };
}

describe.each(backendKinds())('response cache (%s backends)', (kind) => {
  let ollama: FakeOllama;
  let h: BridgeHarness;
  let alice: Tokens;
  let bob: Tokens;

  beforeAll(async () => {
    ollama = await startFakeOllama({ models: [fakeModels.llama] });
    h = await startBridge(kind, {
      OLLAMA_URLS: ollama.url,
      ELWOSA_AI_MAX_STREAMS: '0',
      ELWOSA_AI_REPLICA_CONCURRENCY: '16',
    });
    alice = await h.newUser();
    bob = await h.newUser();
  });
  afterAll(async () => {
    await h?.stop();
    await ollama?.close();
  });

  it('misses, then hits with the same answer replayed as chunks, without calling the model again', async () => {
    const marker = `deterministic ${Date.now()} with several words in it for chunking`;
    const first = await streamText(h.openai(alice), marker);
    const second = await streamText(h.openai(alice), marker);
    expect(first.cache).toBe('miss');
    expect(second.cache).toBe('hit');
    expect(second.text).toBe(first.text);
    expect(second.chunks).toBeGreaterThan(1);
    expect(chatCalls(ollama, marker)).toBe(1);
    const { data, response } = await h
      .openai(alice)
      .chat.completions.create({
        model: 'llama3.2',
        messages: [{ role: 'user', content: marker }],
        temperature: 0,
      })
      .withResponse();
    expect(response.headers.get('x-elwosa-cache')).toBe('hit');
    expect(data.choices[0]?.message.content).toBe(first.text);
    const events = await h.waitForUsage((e) => e.some((x) => x.cacheHit && x.userId === alice.user.id));
    expect(events.find((x) => x.cacheHit)).toMatchObject({ costMicroUsd: 0, replica: null, status: 'ok' });
  });

  it("never serves one user's cached answer to another", async () => {
    const marker = `private ${Date.now()}`;
    expect((await streamText(h.openai(alice), marker)).cache).toBe('miss');
    expect((await streamText(h.openai(bob), marker)).cache).toBe('miss');
    expect(chatCalls(ollama, marker)).toBe(2);
  });

  it('bypasses non-deterministic requests and tool turns, and never stores errors', async () => {
    const warm = `warm ${Date.now()}`;
    expect((await streamText(h.openai(alice), warm, 0.7)).cache).toBe('bypass');
    expect((await streamText(h.openai(alice), warm, 0.7)).cache).toBe('bypass');
    expect(chatCalls(ollama, warm)).toBe(2);

    const toolTurn = `tools ${Date.now()}`;
    for (let i = 0; i < 2; i++) {
      const { response } = await h
        .openai(alice)
        .chat.completions.create({
          model: 'llama3.2',
          temperature: 0,
          messages: [{ role: 'user', content: toolTurn }],
          tools: [{ type: 'function', function: { name: 'list_tasks', parameters: { type: 'object' } } }],
        })
        .withResponse();
      expect(response.headers.get('x-elwosa-cache')).toBe('bypass');
    }
    expect(chatCalls(ollama, toolTurn)).toBe(2);

    const failing = `failing ${Date.now()}`;
    ollama.next(scenarios.errorMidstream(['partial'], 'boom'));
    const broken = await h.openai(alice).chat.completions.create({
      model: 'llama3.2',
      messages: [{ role: 'user', content: failing }],
      temperature: 0,
      stream: true,
    });
    await expect(
      (async () => {
        for await (const _ of broken);
      })(),
    ).rejects.toThrow('boom');
    expect((await streamText(h.openai(alice), failing)).cache).toBe('miss');
    expect(chatCalls(ollama, failing)).toBe(2);
  });

  it('caches an opted-in request (x-elwosa-cache: on) and honours Cache-Control: no-store', async () => {
    const optIn = `opt-in ${Date.now()}`;
    const direct = h.openaiDirect(alice, { 'x-elwosa-cache': 'on' });
    expect((await streamText(direct, optIn, 0.9)).cache).toBe('miss');
    expect((await streamText(direct, optIn, 0.9)).cache).toBe('hit');
    const noStore = `no-store ${Date.now()}`;
    const uncached = h.openaiDirect(alice, { 'cache-control': 'no-store' });
    await streamText(uncached, noStore);
    expect((await streamText(h.openai(alice), noStore)).cache).toBe('miss');
  });

  it('lets only one of many concurrent identical misses call the model (no stampede)', async () => {
    const marker = `stampede ${Date.now()}`;
    ollama.respondWith((body) => ({
      ...scenarios.reply(`answer to ${JSON.stringify(body.messages?.at(-1)?.content)}`),
      delayMs: 30,
    }));
    try {
      const results = await Promise.all(Array.from({ length: 8 }, () => streamText(h.openai(alice), marker)));
      expect(new Set(results.map((r) => r.text)).size).toBe(1);
      expect(results.filter((r) => r.cache === 'miss')).toHaveLength(1);
      expect(chatCalls(ollama, marker)).toBe(1);
    } finally {
      ollama.respondWith((body) => scenarios.reply(`Echo: ${String(body.messages?.at(-1)?.content)}`));
    }
  });
});

// The fake providers, driven by the real `ollama` and `openai` packages: if a fake drifts from
// the protocol the real clients speak, these fail.
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FakeOllama,
  type FakeOpenAI,
  fakeModels,
  scenarios,
  startFakeOllama,
  startFakeOpenAI,
} from '../../../test-support/ai/index.ts';

const messages = [{ role: 'user', content: 'hello there' }];

describe('fake Ollama with the ollama package', () => {
  let fake: FakeOllama;
  let client: Ollama;
  beforeAll(async () => {
    fake = await startFakeOllama({ models: [fakeModels.llama, fakeModels.tiny, fakeModels.nomic] });
    client = new Ollama({ host: fake.url });
  });
  afterAll(() => fake.close());

  it('streams NDJSON deltas and a done trailer with nanosecond metrics', async () => {
    const stream = await client.chat({ model: 'llama3.2', messages, stream: true });
    const parts: string[] = [];
    let last: Awaited<ReturnType<typeof client.chat>> | undefined;
    for await (const chunk of stream) {
      parts.push(chunk.message.content);
      last = chunk;
    }
    expect(parts.join('')).toBe('Echo: hello there');
    expect(last?.done).toBe(true);
    expect(last?.done_reason).toBe('stop');
    expect(last?.prompt_eval_count).toBeGreaterThan(0);
    expect(last?.eval_count).toBe(3);
    expect(last?.load_duration).toBeGreaterThan(1e9); // a cold load, in ns
    expect(fake.loadedModels()).toContain('llama3.2:latest');
  });

  it('sends tool calls whole, with object arguments', async () => {
    fake.next(scenarios.toolCalls([{ name: 'create_task', arguments: { title: 'Buy milk', priority: 2 } }]));
    const stream = await client.chat({
      model: 'llama3.2',
      messages,
      stream: true,
      tools: [{ type: 'function', function: { name: 'create_task', parameters: { type: 'object' } } }],
    });
    const calls = [];
    for await (const chunk of stream) calls.push(...(chunk.message.tool_calls ?? []));
    expect(calls).toHaveLength(1);
    expect(calls[0]?.function).toMatchObject({
      name: 'create_task',
      arguments: { title: 'Buy milk', priority: 2 },
    });
  });

  it('rejects tools on a model without the capability (400) and unknown models (404)', async () => {
    await expect(
      client.chat({ model: 'tinyllama', messages, tools: [{ type: 'function', function: { name: 'x' } }] }),
    ).rejects.toMatchObject({ status_code: 400, message: expect.stringContaining('does not support tools') });
    await expect(client.chat({ model: 'nope', messages })).rejects.toMatchObject({
      status_code: 404,
      message: 'model "nope" not found, try pulling it first',
    });
  });

  it('answers 503 busy and errors mid-stream and truncated streams as the real client sees them', async () => {
    fake.next(scenarios.busy());
    await expect(client.chat({ model: 'llama3.2', messages, stream: true })).rejects.toMatchObject({
      status_code: 503,
    });
    fake.next(scenarios.errorMidstream(['partial'], 'model runner crashed'));
    const failing = await client.chat({ model: 'llama3.2', messages, stream: true });
    await expect(
      (async () => {
        for await (const _ of failing);
      })(),
    ).rejects.toThrow('model runner crashed');
    fake.next(scenarios.truncated(['cut', ' off']));
    const truncated = await client.chat({ model: 'llama3.2', messages, stream: true });
    await expect(
      (async () => {
        for await (const _ of truncated);
      })(),
    ).rejects.toThrow('Did not receive done or success response in stream.');
  });

  it('streams slowly and stops writing when the client aborts', async () => {
    fake.next(scenarios.slow('one two three four five six seven eight', 40));
    const stream = await client.chat({ model: 'llama3.2', messages, stream: true });
    let seen = 0;
    await expect(
      (async () => {
        for await (const _ of stream) if (++seen === 2) stream.abort();
      })(),
    ).rejects.toThrow(/abort/i);
    await new Promise((r) => setTimeout(r, 150));
    const record = fake.requestsTo('/api/chat').at(-1)!;
    expect(record.aborted).toBe(true);
    expect(record.chunksSent).toBeLessThan(8);
  });

  it('lists, shows, embeds, pulls and reports its version', async () => {
    expect((await client.version()).version).toMatch(/^\d+\.\d+\.\d+$/);
    expect((await client.list()).models.map((m) => m.name)).toContain('nomic-embed-text:latest');
    const show = await client.show({ model: 'llama3.2' });
    expect(show.capabilities).toContain('tools');
    expect((show.model_info as unknown as Record<string, number>)['llama.context_length']).toBe(131_072);
    const embed = await client.embed({ model: 'nomic-embed-text', input: ['a', 'b'] });
    expect(embed.embeddings).toHaveLength(2);
    expect(embed.embeddings[0]).toHaveLength(768);
    const progress = await client.pull({ model: 'mistral', stream: true });
    const statuses: string[] = [];
    for await (const p of progress) statuses.push(p.status);
    expect(statuses.at(-1)).toBe('success');
    expect((await client.list()).models.map((m) => m.name)).toContain('mistral:latest');
    fake.setLoaded('mistral', true);
    expect((await client.ps()).models.map((m) => m.name)).toContain('mistral:latest');
  });
});

describe('fake OpenAI with the openai package', () => {
  let fake: FakeOpenAI;
  let client: OpenAI;
  beforeAll(async () => {
    fake = await startFakeOpenAI({ apiKey: 'sk-test' });
    client = new OpenAI({ baseURL: `${fake.url}/v1`, apiKey: 'sk-test', maxRetries: 0 });
  });
  afterAll(() => fake.close());

  it('streams SSE deltas, the usage chunk with include_usage, and [DONE]', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hello there' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('Echo: hello there');
    expect(finish).toBe('stop');
    expect(usage).toMatchObject({ completion_tokens: 3 });
  });

  it('sends tool-call arguments as fragments per index that the SDK helper reassembles', async () => {
    fake.next(
      scenarios.toolCalls([
        { name: 'create_task', arguments: { title: 'Buy milk' } },
        { name: 'list_tasks', arguments: { status: 'open', limit: 5 } },
      ]),
    );
    const runner = client.chat.completions.stream({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'todo' }],
      tools: [{ type: 'function', function: { name: 'create_task' } }],
    });
    const final = await runner.finalChatCompletion();
    const calls = final.choices[0]?.message.tool_calls ?? [];
    expect(
      calls.map((c) => c.type === 'function' && [c.function.name, JSON.parse(c.function.arguments)]),
    ).toEqual([
      ['create_task', { title: 'Buy milk' }],
      ['list_tasks', { status: 'open', limit: 5 }],
    ]);
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    const fragmentsSeen = fake.requestsTo('/v1/chat/completions').at(-1)!;
    expect(fragmentsSeen.chunksSent).toBe(2);
  });

  it('answers 429 with Retry-After and mid-stream error events', async () => {
    fake.next(scenarios.rateLimited(7));
    const limited = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect((limited as InstanceType<typeof OpenAI.RateLimitError>).headers?.get('retry-after')).toBe('7');

    fake.next(scenarios.errorMidstream(['half'], 'the server had an error'));
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    await expect(
      (async () => {
        for await (const _ of stream);
      })(),
    ).rejects.toThrow('the server had an error');
  });

  it('serves embeddings (float and base64) and models, and refuses a wrong key', async () => {
    const res = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'] });
    expect(res.data).toHaveLength(2);
    expect(res.data[0]?.embedding).toHaveLength(1536);
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toContain('gpt-4o-mini');
    const wrong = new OpenAI({ baseURL: `${fake.url}/v1`, apiKey: 'sk-wrong', maxRetries: 0 });
    await expect(wrong.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });
});

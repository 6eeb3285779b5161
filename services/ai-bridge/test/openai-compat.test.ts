// The official `openai` client as an outside program against ELWOSA's /v1 through the gateway,
// with a fake Ollama replica and a fake OpenAI behind the bridge: streaming, tools, non-streaming,
// embeddings (the SDK's default base64 encoding), models, errors, usage records.
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
import { backendKinds } from '../../../test-support/platform.ts';
import type { Tokens } from '../../auth/test/client.js';
import { type BridgeHarness, startBridge } from './harness.js';

const tools: OpenAI.ChatCompletionTool[] = [
  {
    type: 'function',
    function: {
      name: 'create_task',
      description: 'Create a task',
      parameters: { type: 'object', properties: { title: { type: 'string' } }, required: ['title'] },
    },
  },
];

describe.each(backendKinds())('OpenAI-compatible /v1 (%s backends)', (kind) => {
  let ollama: FakeOllama;
  let upstream: FakeOpenAI;
  let h: BridgeHarness;
  let user: Tokens;
  let client: OpenAI;

  beforeAll(async () => {
    ollama = await startFakeOllama({ models: [fakeModels.llama, fakeModels.nomic] });
    upstream = await startFakeOpenAI({ apiKey: 'sk-upstream' });
    h = await startBridge(kind, {
      OLLAMA_URLS: ollama.url,
      OPENAI_API_KEY: 'sk-upstream',
      OPENAI_BASE_URL: `${upstream.url}/v1`,
      ELWOSA_DEFAULT_MODEL: 'llama3.2',
      ELWOSA_EMBEDDING_MODEL: 'nomic-embed-text',
    });
    user = await h.newUser();
    client = h.openai(user);
  });
  afterAll(async () => {
    await h?.stop();
    await ollama?.close();
    await upstream?.close();
  });

  it('streams a chat completion from Ollama with usage at the end', async () => {
    const stream = await client.chat.completions.create({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'stream me' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    let finish: string | null = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
      expect(chunk.model).toBe('llama3.2:latest');
    }
    expect(text).toBe('Echo: stream me');
    expect(finish).toBe('stop');
    expect(usage?.completion_tokens).toBe(3);
    const sent = ollama.requestsTo('/api/chat').at(-1)!.body as { options?: { num_ctx?: number } };
    expect(sent.options?.num_ctx).toBe(8192);
  });

  it('streams tool calls from Ollama and from OpenAI the same way', async () => {
    for (const [model, fake] of [
      ['llama3.2', ollama],
      ['gpt-4o-mini', upstream],
    ] as const) {
      fake.next(scenarios.toolCalls([{ name: 'create_task', arguments: { title: 'Buy milk' } }]));
      const runner = client.chat.completions.stream({
        model,
        messages: [{ role: 'user', content: 'add a task' }],
        tools,
      });
      const final = await runner.finalChatCompletion();
      const call = final.choices[0]?.message.tool_calls?.[0];
      expect(final.choices[0]?.finish_reason).toBe('tool_calls');
      expect(call?.type === 'function' && call.function.name).toBe('create_task');
      expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ title: 'Buy milk' });
      expect(call?.id).toMatch(/\S/);
    }
  });

  it('sends a tool result back to Ollama with tool_name and to OpenAI with tool_call_id', async () => {
    const history: OpenAI.ChatCompletionMessageParam[] = [
      { role: 'user', content: 'add a task' },
      {
        role: 'assistant',
        content: '',
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'create_task', arguments: '{"title":"x"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '{"ok":true}' },
    ];
    await client.chat.completions.create({ model: 'llama3.2', messages: history, tools });
    const toOllama = ollama.requestsTo('/api/chat').at(-1)!.body as { messages: Record<string, unknown>[] };
    expect(toOllama.messages[1]).toMatchObject({
      tool_calls: [{ function: { name: 'create_task', arguments: { title: 'x' } } }],
    });
    expect(toOllama.messages[2]).toMatchObject({ role: 'tool', tool_name: 'create_task' });
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: history, tools });
    const toOpenAI = upstream.requestsTo('/v1/chat/completions').at(-1)!.body as {
      messages: Record<string, unknown>[];
      stream_options?: unknown;
    };
    expect(toOpenAI.messages[2]).toMatchObject({ role: 'tool', tool_call_id: 'call_1' });
    expect(toOpenAI.stream_options).toEqual({ include_usage: true });
  });

  it('answers non-streaming requests with a whole chat.completion', async () => {
    const res = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'whole' }],
    });
    expect(res.object).toBe('chat.completion');
    expect(res.choices[0]?.message.content).toBe('Echo: whole');
    expect(res.usage?.completion_tokens).toBe(2);
  });

  it('uses the default model for "default"', async () => {
    const res = await client.chat.completions.create({
      model: 'default',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(res.model).toBe('llama3.2:latest');
  });

  it('creates embeddings (the SDK asks for base64 and decodes it) from Ollama and OpenAI', async () => {
    const local = await client.embeddings.create({ model: 'nomic-embed-text', input: ['alpha', 'beta'] });
    expect(local.data).toHaveLength(2);
    expect(local.data[0]?.embedding).toHaveLength(768);
    expect(Math.hypot(...(local.data[0]?.embedding ?? []))).toBeCloseTo(1, 4);
    const remote = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: 'gamma',
      encoding_format: 'float',
    });
    expect(remote.data[0]?.embedding).toHaveLength(1536);
    expect(remote.usage.prompt_tokens).toBeGreaterThan(0);
    const shortened = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: 'delta',
      dimensions: 256,
    });
    expect(shortened.data[0]?.embedding).toHaveLength(256);
    const shortLocal = await client.embeddings.create({
      model: 'nomic-embed-text',
      input: 'delta',
      dimensions: 64,
    });
    expect(shortLocal.data[0]?.embedding).toHaveLength(64);
  });

  it('lists the models of both providers', async () => {
    await h.waitForProbes();
    const models = await client.models.list();
    const ids = models.data.map((m) => m.id);
    expect(ids).toEqual(
      expect.arrayContaining(['llama3.2:latest', 'nomic-embed-text:latest', 'gpt-4o-mini']),
    );
  });

  it('passes upstream client errors on as 400 and unknown models as 404', async () => {
    const unknown = await client.chat.completions
      .create({ model: 'ollama/does-not-exist', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
    const bad = await client.chat.completions
      .create({ model: 'llama3.2', messages: [{ role: 'user', content: 'x' }], temperature: 7 })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(OpenAI.BadRequestError);
  });

  it('accepts personal API keys on /v1 (until they are revoked)', async () => {
    const created = await h.api.post<{ id: string; key: string }>(
      '/api/auth/api-keys',
      { name: 'script' },
      user.accessToken,
    );
    expect(created.status).toBe(201);
    const scripted = new OpenAI({ baseURL: `${h.platform.url}/v1`, apiKey: created.body.key, maxRetries: 0 });
    expect((await scripted.models.list()).data.length).toBeGreaterThan(0);
    const answer = await scripted.chat.completions.create({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'by key' }],
    });
    expect(answer.choices[0]?.message.content).toBe('Echo: by key');
    const revoked = await h.api.call('DELETE', `/api/auth/api-keys/${created.body.id}`, {
      token: user.accessToken,
    });
    expect(revoked.status).toBe(204);
    await expect(scripted.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    // The key is for /v1 only: ELWOSA's own AI routes still want an access token.
    expect((await h.api.get('/api/ai/usage', created.body.key)).status).toBe(401);
  });

  it('refuses calls without a token and the routing state to non-admins', async () => {
    const anonymous = await h.api.post('/v1/chat/completions', { model: 'llama3.2', messages: [] });
    expect(anonymous.status).toBe(401);
    expect((await h.api.get('/api/ai/routing', user.accessToken)).status).toBe(403);
    const state = await h.api.get<{ replicas: { url: string; models: string[] | null }[] }>(
      '/api/ai/routing',
      h.admin.accessToken,
    );
    expect(state.status).toBe(200);
    expect(state.body.replicas[0]).toMatchObject({ url: ollama.url });
  });

  it('records usage for every call: provider numbers when given, estimates flagged otherwise', async () => {
    const conversation = `conv-${Date.now()}`;
    const tagged = h.openaiDirect(user, { 'x-elwosa-conversation-id': conversation });
    await tagged.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'priced' }],
    });
    upstream.next({ ...scenarios.reply('no usage here'), omitUsage: true });
    const s = await tagged.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'unmetered' }],
      stream: true,
    });
    for await (const _ of s);
    const events = await h.waitForUsage(
      (e) => e.filter((x) => x.conversationId === conversation).length >= 2,
    );
    const [priced, estimated] = events.filter((x) => x.conversationId === conversation);
    expect(priced).toMatchObject({
      userId: user.user.id,
      provider: 'openai',
      model: 'gpt-4o-mini',
      operation: 'chat',
      outputTokens: 2,
      estimated: false,
      status: 'ok',
      cacheHit: false,
      ttftMs: null,
      replica: null,
      costKnown: true,
    });
    expect(priced!.costMicroUsd).toBe(Math.ceil((priced!.inputTokens * 150_000 + 2 * 600_000) / 1e6));
    expect(estimated).toMatchObject({ estimated: true, status: 'ok', outputTokens: 3 });
    expect(estimated!.ttftMs).toEqual(expect.any(Number));
    const local = events.find((e) => e.provider === 'ollama' && e.operation === 'chat')!;
    expect(local).toMatchObject({ costMicroUsd: 0, replica: ollama.url, estimated: false });
    expect(events.some((e) => e.operation === 'embedding' && e.provider === 'ollama')).toBe(true);
  });

  it('exposes requests, tokens, cost, time to first token, cache and replica metrics', async () => {
    const metrics = await (await fetch(`${h.platform.urlOf('ai-bridge')}/metrics`)).text();
    expect(metrics).toMatch(
      /ai_requests_total\{provider="ollama",model="llama3.2:latest",operation="chat",status="ok",cache="miss"\} [1-9]/,
    );
    expect(metrics).toMatch(
      /ai_tokens_total\{provider="openai",model="gpt-4o-mini",direction="output"\} [1-9]/,
    );
    expect(metrics).toMatch(/ai_cost_micro_usd_total\{provider="openai",model="gpt-4o-mini"\} [1-9]/);
    expect(metrics).toMatch(/ai_time_to_first_token_seconds_count\{provider="ollama"\} [1-9]/);
    expect(metrics).toMatch(/ai_cache_total\{result="bypass"\} [1-9]/);
    expect(metrics).toContain(`ai_replica_in_flight{replica="${ollama.url}"} 0`);
    expect(metrics).toContain(`ai_replica_healthy{replica="${ollama.url}"} 1`);
  });
});

describe.each(backendKinds())('fallback chain (%s backends)', (kind) => {
  let ollama: FakeOllama;
  let upstream: FakeOpenAI;
  let h: BridgeHarness;
  beforeAll(async () => {
    ollama = await startFakeOllama({ models: [fakeModels.llama] });
    upstream = await startFakeOpenAI({ apiKey: 'sk-upstream' });
    h = await startBridge(kind, {
      OLLAMA_URLS: ollama.url,
      OPENAI_API_KEY: 'sk-upstream',
      OPENAI_BASE_URL: `${upstream.url}/v1`,
      ELWOSA_AI_FALLBACKS: 'llama3.2=gpt-4o-mini',
      ELWOSA_AI_CONTEXT_LENGTHS: 'llama3.2:latest=400',
    });
  });
  afterAll(async () => {
    await h?.stop();
    await ollama?.close();
    await upstream?.close();
  });

  it('falls back to the next model when the first cannot answer before the first byte', async () => {
    const client = h.openai(await h.newUser());
    ollama.next(scenarios.busy());
    const stream = await client.chat.completions.create({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'fall back' }],
      stream: true,
    });
    let text = '';
    let model = '';
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      model = chunk.model;
    }
    expect(text).toBe('Echo: fall back');
    expect(model).toBe('gpt-4o-mini');
    expect(ollama.requestsTo('/api/chat')).toHaveLength(1);
    const metrics = await (await fetch(`${h.platform.urlOf('ai-bridge')}/metrics`)).text();
    expect(metrics).toMatch(/ai_retries_total\{reason="fallback"\} 1/);
  });

  it('trims a long history to the context window, keeping system prompt, pinned memory and the last turn', async () => {
    const client = h.openai(await h.newUser());
    const filler = 'lorem ipsum dolor sit amet '.repeat(12);
    const messages: OpenAI.ChatCompletionMessageParam[] = [
      { role: 'system', content: 'You are ELWOSA.' },
      { role: 'user', name: 'pinned-memory', content: 'The user likes tea.' },
      ...Array.from(
        { length: 20 },
        (_, i): OpenAI.ChatCompletionMessageParam =>
          i % 2
            ? { role: 'assistant', content: `old answer ${i} ${filler}` }
            : { role: 'user', content: `old question ${i} ${filler}` },
      ),
      { role: 'user', content: 'What do I like?' },
    ];
    await client.chat.completions.create({ model: 'llama3.2', messages });
    const sent = ollama.requestsTo('/api/chat').at(-1)!.body as {
      messages: { role: string; content: string }[];
      options: { num_ctx: number };
    };
    expect(sent.options.num_ctx).toBe(400);
    expect(sent.messages.length).toBeLessThan(messages.length);
    expect(sent.messages[0]?.content).toBe('You are ELWOSA.');
    expect(sent.messages[1]?.content).toBe('The user likes tea.');
    expect(sent.messages.at(-1)?.content).toBe('What do I like?');
    expect(sent.messages.map((m) => m.content)).not.toContain(`old question 0 ${filler}`);
  });

  it('sends a prompt too long for the model to a fallback with a larger window, else answers 400', async () => {
    const client = h.openai(await h.newUser());
    const huge = 'word '.repeat(2000);
    const answer = await client.chat.completions.create({
      model: 'llama3.2',
      messages: [{ role: 'user', content: huge }],
    });
    expect(answer.model).toBe('gpt-4o-mini');
    const refused = await client.chat.completions
      .create({ model: 'ollama/llama3.2', messages: [{ role: 'user', content: huge }] })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
    expect((refused as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('context_length_exceeded');
  });
});

describe.each(backendKinds())('no provider configured (%s backends)', (kind) => {
  let h: BridgeHarness;
  beforeAll(async () => {
    h = await startBridge(kind, {});
  });
  afterAll(() => h?.stop());

  it('starts, lists no models and answers completions with 503 problem+json', async () => {
    const user = await h.newUser();
    const client = h.openai(user);
    expect((await client.models.list()).data).toEqual([]);
    const res = await h.api.call('POST', '/v1/chat/completions', {
      token: user.accessToken,
      body: { model: 'llama3.2', messages: [{ role: 'user', content: 'hi' }] },
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({ detail: expect.stringContaining('no model provider configured') });
  });
});

// The pure parts of the bridge: router decisions, cooldown and retry policy, the replica pool,
// context trimming, cost, cache keys and policy, NDJSON/SSE normalisation, output formatting,
// limit windows, model resolution and configuration.
import { parseConfig } from '@elwosa/runtime';
import { describe, expect, it } from 'vitest';
import { aiEnvSchema } from '../src/config.js';
import { cacheKey, cachePolicy, canonicalJson } from '../src/domain/cache-key.js';
import { outputReserve } from '../src/domain/completion.js';
import { trimToBudget } from '../src/domain/context-window.js';
import { minuteWindow, monthWindow } from '../src/domain/limit-windows.js';
import { ModelCatalog } from '../src/domain/model-catalog.js';
import { costOf } from '../src/domain/pricing.js';
import { replayChunks } from '../src/domain/response-cache.js';
import { messageTokens, type TokenCounter, tiktokenCounter } from '../src/domain/tokens.js';
import { type ChatMessage, type ChatRequest, ProviderError } from '../src/domain/types.js';
import { buildUsage } from '../src/domain/usage.js';
import { completionBody, eventChunk, usageChunk } from '../src/http/openai-format.js';
import { toChatRequest } from '../src/http/openai-request.js';
import { OllamaChunkNormaliser, toOllamaRequest } from '../src/providers/ollama-mapping.js';
import { OpenAIChunkNormaliser } from '../src/providers/openai-mapping.js';
import { cooldownMs, DEFAULT_COOLDOWN, shouldEject } from '../src/routing/cooldown.js';
import { ReplicaPool } from '../src/routing/replica-pool.js';
import { retryStep } from '../src/routing/retry-policy.js';
import { affinityScore, chooseReplica, type ReplicaView } from '../src/routing/router.js';

const replica = (url: string, over: Partial<ReplicaView> = {}): ReplicaView => ({
  url,
  inFlight: 0,
  cap: 4,
  cooldownUntil: 0,
  lastFailureAt: 0,
  models: new Set(['llama3.2:latest']),
  loaded: new Set(),
  ...over,
});

describe('router', () => {
  const q = { model: 'llama3.2:latest', now: 1000 };

  it('only picks replicas that have the model (unknown = maybe)', () => {
    const rs = [replica('a', { models: new Set(['qwen:latest']) }), replica('b')];
    expect(chooseReplica(rs, q)).toMatchObject({ kind: 'replica', url: 'b' });
    expect(chooseReplica([replica('a', { models: new Set() })], q)).toEqual({ kind: 'no-model' });
    expect(chooseReplica([replica('a', { models: undefined })], q)).toMatchObject({ url: 'a' });
  });

  it('prefers a loaded model over a less busy replica, then least in flight', () => {
    const rs = [
      replica('a', { inFlight: 0 }),
      replica('b', { inFlight: 2, loaded: new Set(['llama3.2:latest']) }),
    ];
    expect(chooseReplica(rs, q)).toMatchObject({ url: 'b', loaded: true });
    const cold = [
      replica('a', { inFlight: 3 }),
      replica('b', { inFlight: 1 }),
      replica('c', { inFlight: 2 }),
    ];
    expect(chooseReplica(cold, q)).toMatchObject({ url: 'b', reason: 'least-in-flight', loaded: false });
  });

  it('rotates among equally loaded replicas', () => {
    const rs = [replica('a'), replica('b'), replica('c')];
    const picks = [0, 1, 2].map((tieBreak) => (chooseReplica(rs, { ...q, tieBreak }) as { url: string }).url);
    expect(new Set(picks).size).toBe(3);
  });

  it('skips cooling-down and full replicas; saturated when all are full', () => {
    const rs = [
      replica('a', { cooldownUntil: 5000 }),
      replica('b', { inFlight: 4 }),
      replica('c', { inFlight: 3 }),
    ];
    expect(chooseReplica(rs, q)).toMatchObject({ url: 'c' });
    expect(chooseReplica([replica('b', { inFlight: 4 })], q)).toEqual({ kind: 'saturated' });
  });

  it('falls back to the least recently failed replica when all are cooling down', () => {
    const rs = [
      replica('a', { cooldownUntil: 9000, lastFailureAt: 900 }),
      replica('b', { cooldownUntil: 9000, lastFailureAt: 100 }),
    ];
    expect(chooseReplica(rs, q)).toMatchObject({ url: 'b', reason: 'cold-fallback' });
  });

  it('excludes replicas already tried', () => {
    expect(chooseReplica([replica('a'), replica('b')], { ...q, exclude: new Set(['a']) })).toMatchObject({
      url: 'b',
    });
    expect(chooseReplica([replica('a')], { ...q, exclude: new Set(['a']) })).toEqual({ kind: 'no-model' });
  });

  it('keeps a conversation on its replica, within the bounded load', () => {
    const rs = ['a', 'b', 'c'].map((u) => replica(u, { cap: 100 }));
    const key = 'conversation-42';
    const home = [...rs].sort((x, y) => affinityScore(key, y.url) - affinityScore(key, x.url))[0]!.url;
    expect(chooseReplica(rs, { ...q, affinityKey: key })).toMatchObject({ url: home, reason: 'affinity' });
    // Overloaded home: more than 1.25 × the mean in flight → the next replica in its ranking.
    const busy = rs.map((r) => (r.url === home ? { ...r, inFlight: 10 } : { ...r, inFlight: 1 }));
    const pick = chooseReplica(busy, { ...q, affinityKey: key });
    expect(pick).toMatchObject({ reason: 'affinity' });
    expect((pick as { url: string }).url).not.toBe(home);
    // Under a moderately uneven load (within the bound) ≥ 90 % of conversations stay home, and
    // the homes spread over all replicas.
    const uneven = rs.map((r, i) => ({ ...r, inFlight: [1, 2, 1][i]! }));
    let stable = 0;
    const homes = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const k = `c${i}`;
      const idle = (chooseReplica(rs, { ...q, affinityKey: k }) as { url: string }).url;
      homes.add(idle);
      if ((chooseReplica(uneven, { ...q, affinityKey: k }) as { url: string }).url === idle) stable++;
    }
    expect(stable).toBeGreaterThanOrEqual(180);
    expect(homes.size).toBe(3);
  });
});

describe('cooldown and retry policy', () => {
  const err = (kind: ProviderError['kind'], status?: number) =>
    new ProviderError(kind, 'x', status === undefined ? {} : { status });

  it('ejects on connect errors, broken streams, timeouts, 5xx and 429 — not on 400 or 404', () => {
    expect(shouldEject(err('connect'))).toBe(true);
    expect(shouldEject(err('truncated'))).toBe(true);
    expect(shouldEject(err('timeout'))).toBe(true);
    expect(shouldEject(err('status', 503))).toBe(true);
    expect(shouldEject(err('status', 500))).toBe(true);
    expect(shouldEject(err('status', 429))).toBe(true);
    expect(shouldEject(err('status', 400))).toBe(false);
    expect(shouldEject(err('status', 404))).toBe(false);
    expect(shouldEject(err('midstream'))).toBe(false);
    expect(shouldEject(err('aborted'))).toBe(false);
  });

  it('decides the next step before the first byte', () => {
    expect(retryStep(err('status', 404))).toBe('model-missing');
    expect(retryStep(err('status', 400))).toBe('client-error');
    expect(retryStep(err('status', 503))).toBe('retry');
    expect(retryStep(err('connect'))).toBe('retry');
    expect(retryStep(err('midstream'))).toBe('next-model');
    expect(retryStep(err('aborted'))).toBe('abort');
  });

  it('grows the cooldown exponentially with jitter, capped, and respects Retry-After', () => {
    const mid = () => 0.5;
    expect(cooldownMs(1, DEFAULT_COOLDOWN, mid)).toBe(5000);
    expect(cooldownMs(2, DEFAULT_COOLDOWN, mid)).toBe(10_000);
    expect(cooldownMs(10, DEFAULT_COOLDOWN, mid)).toBe(30_000);
    expect(cooldownMs(1, DEFAULT_COOLDOWN, () => 0)).toBe(4000);
    expect(cooldownMs(1, DEFAULT_COOLDOWN, () => 1)).toBe(6000);
    expect(cooldownMs(1, DEFAULT_COOLDOWN, mid, 20)).toBe(20_000);
  });
});

describe('replica pool', () => {
  const make = (now: { t: number }) =>
    new ReplicaPool(['a', 'b'], {
      cap: 1,
      cooldown: DEFAULT_COOLDOWN,
      queueTimeoutMs: 200,
      now: () => now.t,
      random: () => 0.5,
    });

  it('counts leases, cools a failing replica down and a probe success ends it', async () => {
    const now = { t: 1000 };
    const pool = make(now);
    const signal = new AbortController().signal;
    const first = (await pool.acquire({ model: 'm' }, signal))!;
    const second = (await pool.acquire({ model: 'm' }, signal))!;
    expect(new Set([first.url, second.url])).toEqual(new Set(['a', 'b']));
    first.release(new ProviderError('connect', 'refused'));
    first.release('ok'); // idempotent
    const failed = pool.snapshot().find((r) => r.url === first.url)!;
    expect(failed).toMatchObject({
      inFlight: 0,
      cooldownUntil: 6000,
      consecutiveFailures: 1,
      lastError: 'refused',
    });
    pool.recordProbe(first.url, { version: '1', models: ['m'], loaded: [] });
    expect(pool.snapshot().find((r) => r.url === first.url)).toMatchObject({
      cooldownUntil: 0,
      healthy: true,
    });
  });

  it('queues while every replica is at its cap, and gives up after the queue timeout', async () => {
    const pool = new ReplicaPool(['a'], { cap: 1, cooldown: DEFAULT_COOLDOWN, queueTimeoutMs: 100 });
    const signal = new AbortController().signal;
    const held = (await pool.acquire({ model: 'm' }, signal))!;
    const waiting = pool.acquire({ model: 'm' }, signal);
    setTimeout(() => held.release('ok'), 20);
    expect((await waiting)?.url).toBe('a');
    await expect(pool.acquire({ model: 'm' }, signal)).rejects.toMatchObject({ status: 503 });
  });

  it('forgets a model on a replica that answered 404 for it', async () => {
    const pool = make({ t: 0 });
    pool.recordProbe('a', { version: '1', models: ['m'], loaded: ['m'] });
    pool.recordProbe('b', { version: '1', models: ['m'], loaded: [] });
    pool.markMissing('a', 'm');
    expect((await pool.acquire({ model: 'm' }, new AbortController().signal))?.url).toBe('b');
    expect(pool.reports('m')).toBe(true);
  });
});

const counter = tiktokenCounter();
const msg = (role: ChatMessage['role'], content: string, extra: Partial<ChatMessage> = {}): ChatMessage => ({
  role,
  content,
  ...extra,
});

describe('context window', () => {
  const history = [
    msg('system', 'You are helpful.'),
    msg('user', 'Remember: my cat is Tom.', { name: 'pinned-memory' }),
    ...Array.from({ length: 30 }, (_, i) =>
      msg(i % 2 ? 'assistant' : 'user', `turn ${i} ${'blah '.repeat(40)}`),
    ),
    msg('user', 'What is my cat called?'),
  ];

  it('keeps everything that fits', () => {
    expect(trimToBudget(history, 100_000, counter)).toMatchObject({ dropped: 0, overflow: false });
  });

  it('keeps the system prompt, pinned memories and the latest turns; drops the oldest', () => {
    const result = trimToBudget(history, 300, counter);
    expect(result.overflow).toBe(false);
    expect(result.tokens).toBeLessThanOrEqual(300);
    expect(result.messages[0]?.content).toBe('You are helpful.');
    expect(result.messages[1]?.name).toBe('pinned-memory');
    expect(result.messages.at(-1)?.content).toBe('What is my cat called?');
    expect(result.messages).toContain(history.at(-2));
    expect(result.messages).not.toContain(history[2]);
    expect(result.dropped).toBeGreaterThan(20);
  });

  it('never separates a tool result from the call it answers', () => {
    const calls = [
      msg('user', 'old '.repeat(200)),
      msg('assistant', '', { toolCalls: [{ id: 'c1', name: 'list_tasks', arguments: '{}' }] }),
      msg('tool', 'result '.repeat(30), { toolCallId: 'c1' }),
      msg('user', 'and now?'),
    ];
    const budget = messageTokens(calls[3]!, counter) + 10;
    const kept = trimToBudget(calls, budget, counter).messages;
    expect(kept.some((m) => m.role === 'tool')).toBe(false);
    expect(kept.some((m) => m.toolCalls)).toBe(false);
  });

  it('reports an overflow when even the kept messages do not fit', () => {
    expect(trimToBudget([msg('system', 'x '.repeat(500)), msg('user', 'hi')], 50, counter).overflow).toBe(
      true,
    );
  });

  it('reserves room for the answer', () => {
    expect(outputReserve(8192, undefined)).toBe(1024);
    expect(outputReserve(2048, undefined)).toBe(512);
    expect(outputReserve(8192, 100)).toBe(100);
  });
});

describe('cost', () => {
  it('charges paid models in integer micro-USD from the price table, local models nothing', () => {
    expect(
      costOf('ollama', 'llama3.2:latest', { inputTokens: 1e6, outputTokens: 1e6, cachedTokens: 0 }),
    ).toMatchObject({
      costMicroUsd: 0,
      known: true,
    });
    expect(
      costOf('openai', 'gpt-4o-mini', { inputTokens: 1_000_000, outputTokens: 1_000_000, cachedTokens: 0 })
        .costMicroUsd,
    ).toBe(750_000);
    expect(
      costOf('openai', 'gpt-4o', { inputTokens: 1000, outputTokens: 0, cachedTokens: 1000 }).costMicroUsd,
    ).toBe(1250);
    expect(
      costOf('openai', 'gpt-4o-mini-2024-07-18', { inputTokens: 1, outputTokens: 0, cachedTokens: 0 }),
    ).toMatchObject({
      costMicroUsd: 1,
      known: true,
    });
  });

  it('flags a paid model without a price instead of calling it free', () => {
    const cost = costOf('openai', 'some-new-model', { inputTokens: 10, outputTokens: 10, cachedTokens: 0 });
    expect(cost).toMatchObject({ costMicroUsd: 0, known: false });
    const usage = buildUsage({
      requestId: 'r',
      provider: 'openai',
      model: 'some-new-model',
      operation: 'chat',
      usage: { inputTokens: 10, outputTokens: 10, cachedTokens: 0 },
      estimated: false,
      startedAt: 0,
      endedAt: 50,
      firstTokenAt: 20,
      streaming: true,
      replica: null,
      status: 'ok',
      cacheHit: false,
      conversationId: null,
    });
    expect(usage).toMatchObject({ costKnown: false, latencyMs: 50, ttftMs: 20 });
  });
});

describe('cache keys and policy', () => {
  const base: ChatRequest = { model: 'm', messages: [msg('user', 'hi')], temperature: 0 };

  it('is canonical: key order does not matter, content does', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: undefined }] })).toBe('{"a":[{"d":2}],"b":1}');
    expect(cacheKey('u1', { ...base, seed: 1 })).toBe(cacheKey('u1', { seed: 1, ...base }));
    expect(cacheKey('u1', base)).not.toBe(cacheKey('u1', { ...base, messages: [msg('user', 'ho')] }));
    expect(cacheKey('u1', base)).not.toBe(cacheKey('u1', { ...base, maxTokens: 5 }));
  });

  it('is namespaced per user', () => {
    expect(cacheKey('u1', base)).not.toBe(cacheKey('u2', base));
    expect(cacheKey('u1', base)).toMatch(/^ai:cache:v1:u1:[0-9a-f]{64}$/);
  });

  it('caches only deterministic or opted-in requests, never tool turns', () => {
    const h = { optIn: false, cacheControl: undefined };
    expect(cachePolicy(base, h)).toEqual({ lookup: true, store: true });
    expect(cachePolicy({ ...base, temperature: 0.7 }, h).bypass).toBe('non-deterministic');
    expect(cachePolicy({ ...base, temperature: 0.7 }, { ...h, optIn: true })).toEqual({
      lookup: true,
      store: true,
    });
    expect(cachePolicy({ ...base, tools: [{ name: 't' }] }, { ...h, optIn: true }).bypass).toBe('tools');
    const toolResult = { ...base, messages: [msg('tool', 'r', { toolCallId: 'x' })] };
    expect(cachePolicy(toolResult, h).bypass).toBe('tools');
    expect(cachePolicy(base, { ...h, cacheControl: 'no-cache' })).toEqual({ lookup: false, store: true });
    expect(cachePolicy(base, { ...h, cacheControl: 'no-store' })).toEqual({ lookup: true, store: false });
  });

  it('replays an answer as word-aligned chunks that join back to it', () => {
    const text = 'The quick brown fox jumps over the lazy dog and keeps running through the forest.';
    const chunks = replayChunks(text, 16);
    expect(chunks.join('')).toBe(text);
    expect(chunks.length).toBeGreaterThan(3);
  });
});

describe('NDJSON and SSE normalisation', () => {
  it('turns Ollama lines into text, whole tool calls, usage and done', () => {
    const n = new OllamaChunkNormaliser('x');
    expect(n.feed({ message: { content: 'Hel' }, done: false })).toEqual([{ type: 'text', text: 'Hel' }]);
    expect(
      n.feed({ message: { content: '', tool_calls: [{ function: { name: 'f', arguments: { a: 1 } } }] } }),
    ).toEqual([{ type: 'tool_call', index: 0, call: { id: 'call_x_0', name: 'f', arguments: '{"a":1}' } }]);
    expect(
      n.feed({
        message: { content: '' },
        done: true,
        done_reason: 'stop',
        prompt_eval_count: 7,
        eval_count: 3,
      }),
    ).toEqual([
      { type: 'usage', usage: { inputTokens: 7, outputTokens: 3, cachedTokens: 0 } },
      { type: 'done', finishReason: 'tool_calls' },
    ]);
    expect(n.finished).toBe(true);
    expect(new OllamaChunkNormaliser('y').feed({ done: true, done_reason: 'length' }).at(-1)).toEqual({
      type: 'done',
      finishReason: 'length',
    });
  });

  it('accumulates OpenAI tool-call fragments per index and emits them whole at the finish', () => {
    const n = new OpenAIChunkNormaliser();
    const c = (delta: Record<string, unknown>, finish: string | null = null) =>
      ({ choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] }) as never;
    expect(n.feed(c({ role: 'assistant', content: 'ok' }))).toEqual([{ type: 'text', text: 'ok' }]);
    n.feed(
      c({ tool_calls: [{ index: 1, id: 'b', type: 'function', function: { name: 'g', arguments: '' } }] }),
    );
    n.feed(
      c({
        tool_calls: [{ index: 0, id: 'a', type: 'function', function: { name: 'f', arguments: '{"x"' } }],
      }),
    );
    n.feed(c({ tool_calls: [{ index: 0, function: { arguments: ':1}' } }] }));
    n.feed(c({ tool_calls: [{ index: 1, function: { arguments: '{}' } }] }));
    expect(n.feed(c({}, 'tool_calls'))).toEqual([
      { type: 'tool_call', index: 0, call: { id: 'a', name: 'f', arguments: '{"x":1}' } },
      { type: 'tool_call', index: 1, call: { id: 'b', name: 'g', arguments: '{}' } },
    ]);
    expect(
      n.feed({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } } as never),
    ).toEqual([{ type: 'usage', usage: { inputTokens: 5, outputTokens: 2, cachedTokens: 0 } }]);
    expect(n.end()).toEqual([{ type: 'done', finishReason: 'tool_calls' }]);
  });

  it('reports a stream without a finish reason as truncated', () => {
    const n = new OpenAIChunkNormaliser();
    n.feed({ choices: [{ index: 0, delta: { content: 'half' }, finish_reason: null }] } as never);
    expect(n.end()).toBeUndefined();
  });

  it('maps requests: OpenAI body → bridge request → Ollama request with num_ctx and tool_name', () => {
    const request = toChatRequest({
      model: 'llama3.2',
      temperature: 0,
      max_tokens: 50,
      stop: 'END',
      messages: [
        { role: 'developer', content: [{ type: 'text', text: 'be brief' }] },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
        },
        { role: 'tool', tool_call_id: 'c1', content: 'done' },
      ],
    });
    expect(request).toMatchObject({ temperature: 0, maxTokens: 50, stop: ['END'] });
    expect(request.messages[0]).toEqual({ role: 'system', content: 'be brief' });
    const ollama = toOllamaRequest({ ...request, numCtx: 4096 }, true);
    expect(ollama.options).toEqual({ temperature: 0, num_predict: 50, stop: ['END'], num_ctx: 4096 });
    expect(ollama.messages?.[1]?.tool_calls?.[0]?.function.arguments).toEqual({ a: 1 });
    expect(ollama.messages?.[2]).toMatchObject({ role: 'tool', tool_name: 'f' });
  });

  it('formats chunks and whole completions the way OpenAI does', () => {
    const meta = { id: 'chatcmpl-1', created: 1, model: 'm' };
    expect(eventChunk(meta, { type: 'text', text: 'hi' })).toMatchObject({
      object: 'chat.completion.chunk',
      choices: [{ index: 0, delta: { content: 'hi' }, finish_reason: null }],
    });
    expect(
      eventChunk(meta, { type: 'usage', usage: { inputTokens: 1, outputTokens: 1, cachedTokens: 0 } }),
    ).toBeUndefined();
    expect(usageChunk(meta, { inputTokens: 3, outputTokens: 2, cachedTokens: 1 })).toMatchObject({
      choices: [],
      usage: {
        prompt_tokens: 3,
        completion_tokens: 2,
        total_tokens: 5,
        prompt_tokens_details: { cached_tokens: 1 },
      },
    });
    const body = completionBody(meta, {
      text: '',
      toolCalls: [{ id: 'c', name: 'f', arguments: '{}' }],
      finishReason: 'tool_calls',
      usage: { inputTokens: 1, outputTokens: 1, cachedTokens: 0 },
    });
    expect(body.choices[0]?.message).toMatchObject({
      content: null,
      tool_calls: [{ id: 'c', type: 'function' }],
    });
  });
});

describe('limit windows', () => {
  it('computes the minute and the UTC month with their Retry-After', () => {
    const t = Date.UTC(2026, 10, 21, 22, 30, 15, 500);
    expect(minuteWindow(t).retryAfterSeconds).toBe(45);
    expect(monthWindow(t).key).toBe('2026-11');
    expect(monthWindow(t).retryAfterSeconds).toBe(Math.ceil((Date.UTC(2026, 11, 1) - t) / 1000));
    expect(monthWindow(Date.UTC(2026, 11, 31, 23, 59, 59)).key).toBe('2026-12');
  });
});

describe('model catalog', () => {
  const reporting = (models: string[]) => ({ reports: (m: string) => models.includes(m) });
  const base = {
    defaultModel: 'llama3.2',
    embeddingModel: 'nomic-embed-text',
    fallbacks: { 'llama3.2': ['qwen2.5', 'gpt-4o-mini'] },
    contextOverrides: { 'qwen2.5:latest': 32_768 },
  };

  it('resolves models to providers', () => {
    const both = new ModelCatalog({ ...base, ollama: reporting(['llama3.2:latest']), openai: true });
    expect(both.resolve('llama3.2')).toEqual({ provider: 'ollama', model: 'llama3.2:latest' });
    expect(both.resolve('gpt-4o')).toEqual({ provider: 'openai', model: 'gpt-4o' });
    expect(both.resolve('default')).toEqual({ provider: 'ollama', model: 'llama3.2:latest' });
    expect(both.resolve(undefined, 'embedding')).toEqual({
      provider: 'ollama',
      model: 'nomic-embed-text:latest',
    });
    expect(both.resolve('openai/my-finetune')).toEqual({ provider: 'openai', model: 'my-finetune' });
    expect(both.resolve('mystery')).toEqual({ provider: 'ollama', model: 'mystery:latest' });
    const onlyOpenAI = new ModelCatalog({ ...base, ollama: undefined, openai: true });
    expect(onlyOpenAI.resolve('mystery')).toEqual({ provider: 'openai', model: 'mystery' });
    expect(onlyOpenAI.resolve('ollama/llama3.2')).toBeUndefined();
    expect(new ModelCatalog({ ...base, ollama: undefined, openai: false }).configured).toBe(false);
  });

  it('builds the fallback chain and knows context lengths', async () => {
    const catalog = new ModelCatalog({
      ...base,
      ollama: reporting(['llama3.2:latest']),
      openai: true,
      showContextLength: async () => 131_072,
    });
    expect(catalog.plan('llama3.2')).toEqual([
      { provider: 'ollama', model: 'llama3.2:latest' },
      { provider: 'ollama', model: 'qwen2.5:latest' },
      { provider: 'openai', model: 'gpt-4o-mini' },
    ]);
    expect(await catalog.contextLength({ provider: 'ollama', model: 'llama3.2:latest' }, 'http://r')).toBe(
      131_072,
    );
    expect(await catalog.contextLength({ provider: 'ollama', model: 'qwen2.5:latest' }, 'http://r')).toBe(
      32_768,
    );
    expect(await catalog.contextLength({ provider: 'openai', model: 'gpt-4o' })).toBe(128_000);
  });
});

describe('configuration', () => {
  it('parses replicas, fallbacks and context lengths, and names a bad variable', () => {
    const env = parseConfig(aiEnvSchema, {
      OLLAMA_URLS: 'http://a:11434/, http://b:11434',
      ELWOSA_AI_FALLBACKS: 'llama3.2=qwen2.5|gpt-4o-mini; x=y',
      ELWOSA_AI_CONTEXT_LENGTHS: 'llama3.2:latest=8192',
    });
    expect(env.OLLAMA_URLS).toEqual(['http://a:11434', 'http://b:11434']);
    expect(env.ELWOSA_AI_FALLBACKS).toEqual({ 'llama3.2': ['qwen2.5', 'gpt-4o-mini'], x: ['y'] });
    expect(env.ELWOSA_AI_CONTEXT_LENGTHS).toEqual({ 'llama3.2:latest': 8192 });
    expect(parseConfig(aiEnvSchema, {}).OLLAMA_URLS).toEqual([]);
    expect(() => parseConfig(aiEnvSchema, { OLLAMA_URLS: 'not a url' })).toThrow(/OLLAMA_URLS/);
    expect(() => parseConfig(aiEnvSchema, { ELWOSA_AI_PROBE_INTERVAL_MS: '100' })).toThrow(/PROBE_INTERVAL/);
  });

  it('counts tokens with the real tokenizer', () => {
    const c: TokenCounter = counter;
    expect(c.count('hello world')).toBe(2);
    expect(c.count('')).toBe(0);
  });
});

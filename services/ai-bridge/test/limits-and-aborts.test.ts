// Per-user limits (every one answers 429 with Retry-After) and the end of calls that do not
// finish normally: a client that disconnects or asks to stop aborts the upstream request, and
// the call still leaves a usage record (status "aborted", tokens estimated); an idle upstream
// ends the stream with an error event.
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

const LONG_ANSWER = Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ');

async function waitUntil(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition never became true');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const body = (content: string, extra: Record<string, unknown> = {}) => ({
  model: 'llama3.2',
  messages: [{ role: 'user', content }],
  ...extra,
});

function expectLimited(res: { status: number; headers: Headers; body: unknown }, limit: string) {
  expect(res.status).toBe(429);
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expect(res.body).toMatchObject({ limit, error: { code: limit } });
}

describe.each(backendKinds())('per-user limits (%s backends)', (kind) => {
  let ollama: FakeOllama;
  let upstream: FakeOpenAI;
  let h: BridgeHarness;

  beforeAll(async () => {
    ollama = await startFakeOllama({ models: [fakeModels.llama] });
    upstream = await startFakeOpenAI({});
    h = await startBridge(kind, {
      OLLAMA_URLS: ollama.url,
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: `${upstream.url}/v1`,
      ELWOSA_AI_RPM: '5',
      ELWOSA_AI_TPM: '400',
      ELWOSA_AI_MAX_STREAMS: '2',
      ELWOSA_AI_MONTHLY_BUDGET_MICRO_USD: '40',
    });
  });
  afterAll(async () => {
    await h?.stop();
    await ollama?.close();
    await upstream?.close();
  });

  it('requests per minute', async () => {
    const user = await h.newUser();
    for (let i = 0; i < 5; i++) {
      expect(
        (await h.api.call('POST', '/v1/chat/completions', { token: user.accessToken, body: body(`r${i}`) }))
          .status,
      ).toBe(200);
    }
    const sixth = await h.api.call('POST', '/v1/chat/completions', {
      token: user.accessToken,
      body: body('r5'),
    });
    expectLimited(sixth, 'requests_per_minute');
    const other = await h.newUser();
    expect(
      (await h.api.call('POST', '/v1/chat/completions', { token: other.accessToken, body: body('x') }))
        .status,
    ).toBe(200);
  });

  it('tokens per minute', async () => {
    const user = await h.newUser();
    const long = 'word '.repeat(300);
    expect(
      (await h.api.call('POST', '/v1/chat/completions', { token: user.accessToken, body: body(long) }))
        .status,
    ).toBe(200);
    const next = await h.api.call('POST', '/v1/chat/completions', {
      token: user.accessToken,
      body: body(long),
    });
    expectLimited(next, 'tokens_per_minute');
    expect(Number(next.headers.get('retry-after'))).toBeLessThanOrEqual(60);
  });

  it('concurrent streams', async () => {
    const user = await h.newUser();
    ollama.respondWith(() => scenarios.slow('a b c d e f g h i j', 60));
    try {
      const client = h.openai(user);
      const open = await Promise.all(
        [0, 1].map((i) => client.chat.completions.create({ ...body(`s${i}`), stream: true } as never)),
      );
      const third = await h.api.call('POST', '/v1/chat/completions', {
        token: user.accessToken,
        body: body('s2', { stream: true }),
      });
      expectLimited(third, 'concurrent_streams');
      for (const s of open) for await (const _ of s as unknown as AsyncIterable<unknown>);
      const after = await h.api.call('POST', '/v1/chat/completions', {
        token: user.accessToken,
        body: body('s3', { stream: true }),
      });
      expect(after.status).toBe(200);
    } finally {
      ollama.respondWith((b) => scenarios.reply(`Echo: ${String(b.messages?.at(-1)?.content)}`));
    }
  });

  it('monthly budget (paid models only)', async () => {
    const user = await h.newUser();
    const paid = (content: string) =>
      h.api.call('POST', '/v1/chat/completions', {
        token: user.accessToken,
        body: { ...body(content), model: 'gpt-4o' },
      });
    let last = await paid('spend');
    let calls = 1;
    while (last.status === 200 && calls < 5) {
      await h.waitForUsage((e) => e.filter((x) => x.userId === user.user.id).length >= calls);
      last = await paid(`spend ${calls++}`);
    }
    expectLimited(last, 'monthly_budget');
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(60);
    const usage = await h.api.get<{ spentMicroUsd: number; budgetMicroUsd: number }>(
      '/api/ai/usage',
      user.accessToken,
    );
    expect(usage.body.spentMicroUsd).toBeGreaterThanOrEqual(40);
    // Local models cost nothing: still allowed.
    expect(
      (await h.api.call('POST', '/v1/chat/completions', { token: user.accessToken, body: body('free') }))
        .status,
    ).toBe(200);
  });
});

describe.each(backendKinds())('aborted and stalled calls (%s backends)', (kind) => {
  let ollama: FakeOllama;
  let h: BridgeHarness;
  let user: Tokens;

  beforeAll(async () => {
    ollama = await startFakeOllama({ models: [fakeModels.llama] });
    h = await startBridge(kind, {
      OLLAMA_URLS: ollama.url,
      ELWOSA_AI_IDLE_TIMEOUT_MS: '300',
      ELWOSA_AI_TTFT_TIMEOUT_MS: '1500',
      ELWOSA_AI_SSE_KEEPALIVE_MS: '200',
      ELWOSA_AI_MAX_ATTEMPTS: '1',
    });
    user = await h.newUser();
  });
  afterAll(async () => {
    await h?.stop();
    await ollama?.close();
  });

  it('a client that disconnects aborts the upstream stream and leaves an aborted usage record', async () => {
    const marker = `disconnect-${Date.now()}`;
    ollama.next(scenarios.slow(LONG_ANSWER, 100));
    const controller = new AbortController();
    const stream = await h
      .openai(user)
      .chat.completions.create(
        { model: 'llama3.2', messages: [{ role: 'user', content: marker }], stream: true },
        { signal: controller.signal },
      );
    let seen = 0;
    try {
      for await (const chunk of stream)
        if (chunk.choices[0]?.delta.content && ++seen === 2) controller.abort();
    } catch (err) {
      expect(err).toBeInstanceOf(OpenAI.APIUserAbortError);
    }
    expect(seen).toBe(2);
    const record = ollama.requestsTo('/api/chat').find((r) => JSON.stringify(r.body).includes(marker))!;
    const events = await h.waitForUsage((e) =>
      e.some((x) => x.status === 'aborted' && x.userId === user.user.id),
    );
    await waitUntil(() => record.aborted);
    expect(record.chunksSent).toBeLessThan(40);
    expect(events.find((x) => x.status === 'aborted')).toMatchObject({
      provider: 'ollama',
      estimated: true,
      replica: ollama.url,
      outputTokens: expect.any(Number),
      ttftMs: expect.any(Number),
    });
    expect(events.find((x) => x.status === 'aborted')!.inputTokens).toBeGreaterThan(0);
  });

  it('an explicit stop (POST /api/ai/requests/:id/stop) aborts the stream; nobody else can stop it', async () => {
    const marker = `stop-${Date.now()}`;
    ollama.next(scenarios.slow(LONG_ANSWER, 100));
    const { data: stream, response } = await h
      .openai(user)
      .chat.completions.create({
        model: 'llama3.2',
        messages: [{ role: 'user', content: marker }],
        stream: true,
      })
      .withResponse();
    const requestId = response.headers.get('x-request-id')!;
    const stranger = await h.newUser();
    let text = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (text === 'w0 w1') {
        expect(
          (await h.api.post(`/api/ai/requests/${requestId}/stop`, undefined, stranger.accessToken)).status,
        ).toBe(202);
        expect(
          (await h.api.post(`/api/ai/requests/${requestId}/stop`, undefined, user.accessToken)).status,
        ).toBe(202);
      }
    }
    // The answer ends where it was stopped, as a normal end of stream.
    expect(text.startsWith('w0 w1')).toBe(true);
    expect(text).not.toContain('w39');
    expect(finish).toBe('stop');
    const events = await h.waitForUsage((e) => e.some((x) => x.requestId === requestId));
    expect(events.find((x) => x.requestId === requestId)).toMatchObject({ status: 'aborted' });
    const record = ollama.requestsTo('/api/chat').find((r) => JSON.stringify(r.body).includes(marker))!;
    await waitUntil(() => record.aborted);
  });

  it('an upstream that goes silent mid-stream ends the stream with an error event', async () => {
    // The first chunk after 1 s (within the first-token timeout), the next 1 s later: past the
    // 300 ms idle timeout.
    ollama.next({ type: 'reply', chunks: ['first', ' late'], delayMs: 1000 });
    const marker = `idle-${Date.now()}`;
    const stream = await h.openai(user).chat.completions.create({
      model: 'llama3.2',
      messages: [{ role: 'user', content: marker }],
      stream: true,
    });
    let text = '';
    await expect(
      (async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      })(),
    ).rejects.toThrow('no chunk for 300 ms');
    expect(text).toBe('first');
    const events = await h.waitForUsage((e) =>
      e.some((x) => x.status === 'error' && x.userId === user.user.id),
    );
    expect(events.find((x) => x.status === 'error')).toMatchObject({
      outputTokens: expect.any(Number),
      estimated: true,
    });
  });

  it('keeps a slow first token alive with SSE comments, which clients ignore', async () => {
    ollama.next({ ...scenarios.reply('finally here'), firstChunkDelayMs: 700 });
    const res = await fetch(`${h.platform.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${user.accessToken}` },
      body: JSON.stringify({
        model: 'llama3.2',
        messages: [{ role: 'user', content: 'slow' }],
        stream: true,
      }),
    });
    const raw = await res.text();
    expect(res.status).toBe(200);
    expect(raw.startsWith(': keep-alive\n\n')).toBe(true);
    expect(raw.indexOf(': keep-alive')).toBeLessThan(raw.indexOf('data: '));
    expect(raw).toContain('"content":"finally"');
    expect(raw.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('ends an open stream in-band when no attempt answered in time', async () => {
    ollama.next(scenarios.hang());
    const stream = await h.openai(user).chat.completions.create({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'never' }],
      stream: true,
    });
    await expect(
      (async () => {
        for await (const _ of stream);
      })(),
    ).rejects.toThrow(/did not answer in time/);
  });
});

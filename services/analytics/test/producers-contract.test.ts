// The contracts with the producers end to end: a chat completion through the gateway's /v1
// (ai-bridge in front of a fake OpenAI) becomes an `ai.usage` event that analytics counts with the
// tokens and integer micro-USD cost ai-bridge recorded (the issue's "analytics shows tokens and
// cost"); tasks created and completed through /api/tasks are counted from the `tasks` events.
// The event contracts do not depend on the backends: one kind is enough (the real ones when
// reachable); analytics-api.test.ts covers both.
import { domainStream, parseDomainEvent } from '@elwosa/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from '../../../test-support/ai/index.ts';
import { backendKinds, startTestPlatform, type TestPlatform } from '../../../test-support/platform.ts';
import type { CostReportDto, UsageReportDto } from '../src/api.js';
import { Api, registerAndLogin, type Tokens, waitFor } from './support.js';

describe.each(backendKinds().slice(0, 1))('producers → analytics (%s backends)', (kind) => {
  let upstream: FakeOpenAI;
  let platform: TestPlatform;
  let api: Api;
  let user: Tokens;

  beforeAll(async () => {
    upstream = await startFakeOpenAI({ apiKey: 'sk-upstream' });
    platform = await startTestPlatform({
      kind,
      targets: ['auth', 'tasks', 'ai-bridge', 'analytics', 'gateway'],
      env: {
        ELWOSA_RATE_LIMIT_PER_MINUTE: '100000',
        OPENAI_API_KEY: 'sk-upstream',
        OPENAI_BASE_URL: `${upstream.url}/v1`,
        ELWOSA_DEFAULT_MODEL: 'gpt-4o',
      },
    });
    api = new Api(platform.url);
    await registerAndLogin(api); // the admin
    user = await registerAndLogin(api);
  });
  afterAll(async () => {
    await platform?.stop();
    await upstream?.close();
  });

  it('counts a chat completion with the tokens and cost ai-bridge recorded', async () => {
    const completion = await api.call<{ usage: { prompt_tokens: number; completion_tokens: number } }>(
      'POST',
      '/v1/chat/completions',
      {
        token: user.accessToken,
        body: { model: 'gpt-4o', messages: [{ role: 'user', content: 'Hello analytics' }] },
      },
    );
    expect(completion.status).toBe(200);

    const report = await waitFor(async () => {
      const res = await api.get<UsageReportDto>('/api/analytics/usage', user.accessToken);
      return res.body.totals.requests === 1 ? res.body : undefined;
    }, 'the call in the usage report');
    const [entry] = await platform.deps.cache.readRange(domainStream('ai.usage'), '0', 10);
    const recorded = parseDomainEvent(entry!).data as {
      inputTokens: number;
      outputTokens: number;
      costMicroUsd: number;
    };
    expect(recorded.costMicroUsd).toBeGreaterThan(0);
    expect(report.totals).toMatchObject({
      requests: 1,
      errors: 0,
      unpricedRequests: 0,
      inputTokens: recorded.inputTokens,
      outputTokens: recorded.outputTokens,
      costMicroUsd: recorded.costMicroUsd,
    });
    expect(recorded.inputTokens).toBe(completion.body.usage.prompt_tokens);

    const costs = await api.get<CostReportDto>('/api/analytics/ai-costs?groupBy=model', user.accessToken);
    expect(costs.body.rows).toEqual([
      expect.objectContaining({
        provider: 'openai',
        model: 'gpt-4o',
        requests: 1,
        costMicroUsd: recorded.costMicroUsd,
      }),
    ]);
    expect(costs.body.rows[0]!.latencyAvgMs).not.toBeNull();
  });

  it('counts tasks created and completed through the tasks service', async () => {
    const create = (title: string) =>
      api.call<{ id: string }>('POST', '/api/tasks', { token: user.accessToken, body: { title } });
    const first = await create('Write the report');
    const second = await create('Read the report');
    expect([first.status, second.status]).toEqual([201, 201]);
    const done = await api.call('PATCH', `/api/tasks/${first.body.id}`, {
      token: user.accessToken,
      body: { status: 'done' },
    });
    expect(done.status).toBe(200);
    const report = await waitFor(async () => {
      const res = await api.get<UsageReportDto>('/api/analytics/usage', user.accessToken);
      return res.body.totals.tasksCompleted === 1 ? res.body : undefined;
    }, 'the completed task in the usage report');
    expect(report.totals).toMatchObject({ tasksCreated: 2, tasksCompleted: 1 });
    expect(report.days.at(-1)).toMatchObject({ tasksCreated: 2, tasksCompleted: 1 });
  });
});

// The analytics service through the gateway, on real PostgreSQL + Redis and on the embedded
// backends: ingestion from the `ai.usage` and `tasks` streams (malformed events skipped,
// redelivered ones counted once), usage and AI cost reports per day, model and user, own-data
// isolation, admin scopes, CSV export, date validation, and the daily roll-up (scheduled, exact,
// idempotent, recomputed when a late fact arrives).
import { randomUUID } from 'node:crypto';
import { domainStream, emitDomainEvent, parseDomainEvent } from '@elwosa/runtime';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendKinds, startTestPlatform, type TestPlatform } from '../../../test-support/platform.ts';
import type { CostReportDto, UsageReportDto } from '../src/api.js';
import type { AnalyticsContext } from '../src/domain/context.js';
import { addDays, dayOf, startOfDay } from '../src/domain/days.js';
import { rollUpDay } from '../src/domain/rollup.js';
import { ingestTaskEvent } from '../src/ingest/task-events.js';
import { ingestUsageEvent } from '../src/ingest/usage-events.js';
import { createAnalyticsMetrics } from '../src/metrics.js';
import {
  Api,
  emitTask,
  emitUsage,
  openAnalyticsDb,
  registerAndLogin,
  type Tokens,
  usage,
  waitFor,
} from './support.js';

const now = new Date();
const today = dayOf(now);
const d1 = addDays(today, -3);
const d2 = addDays(today, -2);
const at = (day: string, hour: number) => new Date(`${day}T${String(hour).padStart(2, '0')}:00:00.000Z`);
const WEIRD_MODEL = '=HYPERLINK("http://x"),y';

describe.each(backendKinds())('analytics API (%s backends)', (kind) => {
  let platform: TestPlatform;
  let api: Api;
  let admin: Tokens;
  let a: Tokens;
  let b: Tokens;
  let db: ReturnType<typeof openAnalyticsDb>;
  let firstRequestId: string;

  const get = <T>(path: string, who: Tokens, headers: Record<string, string> = {}) =>
    api.call<T>('GET', path, { token: who.accessToken, headers });
  const usageOf = async (who: Tokens, query = '') => {
    const res = await get<UsageReportDto>(`/api/analytics/usage?from=${d1}&to=${today}${query}`, who);
    expect(res.status).toBe(200);
    return res.body;
  };
  const costsOf = async (who: Tokens, query: string) => {
    const res = await get<CostReportDto>(`/api/analytics/ai-costs?from=${d1}&to=${today}&${query}`, who);
    expect(res.status).toBe(200);
    return res.body;
  };
  const dayRow = (report: UsageReportDto, day: string) => report.days.find((d) => d.day === day)!;
  const rollupState = async (day: string) =>
    (await db.client.rollupDay.findUnique({ where: { day: startOfDay(day) } }))?.current ?? null;

  beforeAll(async () => {
    platform = await startTestPlatform({
      kind,
      targets: ['auth', 'analytics', 'gateway'],
      env: { ELWOSA_RATE_LIMIT_PER_MINUTE: '100000', ELWOSA_ANALYTICS_ROLLUP_INTERVAL_MS: '300' },
    });
    api = new Api(platform.url);
    admin = await registerAndLogin(api); // the first user is the admin
    a = await registerAndLogin(api);
    b = await registerAndLogin(api);
    db = openAnalyticsDb(platform.deps.databaseUrl);
    const { cache } = platform.deps;

    // AI usage. A malformed event first: it is skipped and does not hold up the stream.
    await emitUsage(cache, a.user.id, usage(at(d1, 9), { costMicroUsd: 0.5 }));
    const a1 = usage(at(d1, 10), {
      inputTokens: 100,
      outputTokens: 50,
      cachedTokens: 10,
      costMicroUsd: 1500,
      latencyMs: 100,
    });
    await emitUsage(cache, a.user.id, a1);
    firstRequestId = a1.requestId;
    await emitUsage(
      cache,
      a.user.id,
      usage(at(d1, 11), { inputTokens: 200, outputTokens: 100, costMicroUsd: 2500, latencyMs: 300 }),
    );
    await emitUsage(
      cache,
      a.user.id,
      usage(at(d1, 12), {
        inputTokens: 10,
        outputTokens: 0,
        costMicroUsd: 0,
        latencyMs: 50,
        status: 'error',
      }),
    );
    await emitUsage(
      cache,
      a.user.id,
      usage(at(d2, 9), {
        provider: 'ollama',
        model: 'nomic-embed-text',
        operation: 'embedding',
        inputTokens: 40,
        outputTokens: 0,
        costMicroUsd: 0,
        latencyMs: 20,
      }),
    );
    await emitUsage(
      cache,
      a.user.id,
      usage(now, { inputTokens: 300, outputTokens: 150, costMicroUsd: 1000, latencyMs: 500 }),
    );
    await emitUsage(
      cache,
      b.user.id,
      usage(at(d1, 13), {
        provider: 'ollama',
        model: 'llama3',
        inputTokens: 500,
        outputTokens: 700,
        costMicroUsd: 0,
        latencyMs: 2000,
      }),
    );
    await emitUsage(
      cache,
      b.user.id,
      usage(at(d2, 14), { model: WEIRD_MODEL, costMicroUsd: 0, costKnown: false, latencyMs: 10 }),
    );
    await emitUsage(
      cache,
      b.user.id,
      usage(now, {
        model: 'gpt-4o-mini',
        inputTokens: 1000,
        outputTokens: 100,
        costMicroUsd: 700,
        latencyMs: 400,
      }),
    );

    // Tasks. A's first task: created on d1, completed on d2, reopened and completed again today
    // (counted once, on d2); the completion event is also redelivered. A's second task: created
    // today and deleted (still created). B's task: created done on d1.
    const t1 = { id: randomUUID(), status: 'todo', createdAt: at(d1, 10), completedAt: null };
    await emitTask(cache, a.user.id, 'task.created', t1);
    const done = await emitTask(cache, a.user.id, 'task.updated', {
      ...t1,
      status: 'done',
      completedAt: at(d2, 10),
    });
    await emitTask(cache, a.user.id, 'task.updated', { ...t1, status: 'done', completedAt: at(d2, 10) });
    await emitTask(cache, a.user.id, 'task.updated', { ...t1, status: 'todo', completedAt: null });
    await emitTask(cache, a.user.id, 'task.updated', { ...t1, status: 'done', completedAt: now });
    expect(done).toBeTruthy();
    const t2 = { id: randomUUID(), status: 'todo', createdAt: now, completedAt: null };
    await emitTask(cache, a.user.id, 'task.created', t2);
    await emitDomainEvent(cache, 'tasks', {
      type: 'task.deleted',
      userId: a.user.id,
      data: { id: t2.id, deletedAt: now.toISOString() },
    });
    await emitTask(cache, b.user.id, 'task.created', {
      id: randomUUID(),
      status: 'done',
      createdAt: at(d1, 9),
      completedAt: at(d1, 9),
    });

    await waitFor(async () => {
      const all = await usageOf(admin, '&scope=all');
      return all.totals.requests === 8 && all.totals.tasksCreated === 3 && all.totals.tasksCompleted === 2;
    }, 'every event ingested');
  });
  afterAll(async () => {
    await db?.disconnect();
    await platform?.stop();
  });

  it('makes the first user an admin (the suite relies on it)', () => {
    expect(admin.user.roles).toContain('admin');
    expect(a.user.roles).not.toContain('admin');
  });

  it('reports a user’s requests, tokens, cost and tasks per day, each call and task once', async () => {
    const report = await usageOf(a);
    expect(report).toMatchObject({
      from: d1,
      to: today,
      granularity: 'day',
      scope: 'user',
      userId: a.user.id,
    });
    expect(report.days.map((d) => d.day)).toEqual([d1, d2, addDays(today, -1), today]);
    expect(dayRow(report, d1)).toEqual({
      day: d1,
      requests: 3,
      errors: 1,
      inputTokens: 310,
      outputTokens: 150,
      cachedTokens: 10,
      costMicroUsd: 4000,
      costUsd: '0.004000',
      unpricedRequests: 0,
      tasksCreated: 1,
      tasksCompleted: 0,
    });
    expect(dayRow(report, d2)).toMatchObject({
      requests: 1,
      inputTokens: 40,
      costMicroUsd: 0,
      tasksCompleted: 1,
    });
    expect(dayRow(report, addDays(today, -1))).toMatchObject({
      requests: 0,
      costMicroUsd: 0,
      tasksCreated: 0,
    });
    expect(dayRow(report, today)).toMatchObject({
      requests: 1,
      costMicroUsd: 1000,
      tasksCreated: 1,
      tasksCompleted: 0,
    });
    expect(report.totals).toEqual({
      requests: 5,
      errors: 1,
      inputTokens: 650,
      outputTokens: 300,
      cachedTokens: 10,
      costMicroUsd: 5000,
      costUsd: '0.005000',
      unpricedRequests: 0,
      tasksCreated: 2,
      tasksCompleted: 1,
    });
  });

  it('groups AI costs by model and by day, with latency of successful calls', async () => {
    const byModel = await costsOf(a, 'groupBy=model');
    expect(byModel.rows).toEqual([
      {
        provider: 'openai',
        model: 'gpt-4o',
        requests: 4,
        errors: 1,
        inputTokens: 610,
        outputTokens: 300,
        cachedTokens: 10,
        costMicroUsd: 5000,
        costUsd: '0.005000',
        unpricedRequests: 0,
        latencyAvgMs: 300,
        latencyP95Ms: 500,
      },
      expect.objectContaining({
        provider: 'ollama',
        model: 'nomic-embed-text',
        requests: 1,
        latencyAvgMs: 20,
      }),
    ]);
    expect(byModel.totals).toMatchObject({ requests: 5, costMicroUsd: 5000 });
    const byDay = await costsOf(a, 'groupBy=day');
    expect(byDay.rows.map((r) => [r.day, r.requests, r.costMicroUsd])).toEqual([
      [d1, 3, 4000],
      [d2, 1, 0],
      [today, 1, 1000],
    ]);
  });

  it('never shows one user another user’s numbers', async () => {
    const report = await usageOf(b);
    expect(report.userId).toBe(b.user.id);
    expect(dayRow(report, d1)).toMatchObject({
      requests: 1,
      inputTokens: 500,
      outputTokens: 700,
      tasksCreated: 1,
      tasksCompleted: 1,
    });
    // A call of a paid model without a known price: cost 0 but flagged, not silently free.
    expect(dayRow(report, d2)).toMatchObject({
      requests: 1,
      costMicroUsd: 0,
      unpricedRequests: 1,
      tasksCompleted: 0,
    });
    expect(report.totals).toMatchObject({
      requests: 3,
      costMicroUsd: 700,
      unpricedRequests: 1,
      tasksCreated: 1,
      tasksCompleted: 1,
    });
    const byUser = await costsOf(b, 'groupBy=user');
    expect(byUser.rows.map((r) => r.userId)).toEqual([b.user.id]);
    expect((await costsOf(b, 'groupBy=model')).rows.map((r) => r.model)).not.toContain('gpt-4o');
  });

  it('refuses everyone’s or another user’s data to a non-admin (403)', async () => {
    for (const path of ['/api/analytics/usage', '/api/analytics/ai-costs']) {
      for (const query of ['scope=all', `userId=${a.user.id}`]) {
        const res = await get<{ status: number }>(`${path}?${query}`, b);
        expect(res.status, `${path}?${query}`).toBe(403);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
      }
    }
    expect((await get(`/api/analytics/usage?userId=${b.user.id}`, b)).status).toBe(200);
  });

  it('lets an admin see everyone, or one user', async () => {
    const byUser = await costsOf(admin, 'groupBy=user&scope=all');
    expect(byUser).toMatchObject({ scope: 'all', userId: null });
    expect(byUser.rows.map((r) => [r.userId, r.requests, r.costMicroUsd])).toEqual([
      [a.user.id, 5, 5000],
      [b.user.id, 3, 700],
    ]);
    const byModel = await costsOf(admin, 'groupBy=model&scope=all');
    expect(byModel.rows.map((r) => `${r.provider}/${r.model}`)).toEqual([
      'openai/gpt-4o',
      'openai/gpt-4o-mini',
      'ollama/llama3',
      'ollama/nomic-embed-text',
      `openai/${WEIRD_MODEL}`,
    ]);
    const all = await usageOf(admin, '&scope=all');
    expect(dayRow(all, d1)).toMatchObject({ requests: 4, tasksCreated: 2, tasksCompleted: 1 });
    const oneUser = await usageOf(admin, `&userId=${a.user.id}`);
    expect(oneUser.days).toEqual((await usageOf(a)).days);
    expect((await usageOf(admin)).totals.requests).toBe(0); // the admin's own data by default
    expect((await get(`/api/analytics/usage?scope=all&userId=${a.user.id}`, admin)).status).toBe(400);
  });

  it('exports each report as CSV (format=csv or Accept: text/csv), quoted and formula-safe', async () => {
    const res = await api.call<string>('GET', `/api/analytics/usage?from=${d1}&to=${today}&format=csv`, {
      token: a.accessToken,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="usage-${d1}-${today}.csv"`);
    const lines = res.body.split('\r\n');
    expect(lines[0]).toBe(
      'day,requests,errors,input_tokens,output_tokens,cached_tokens,cost_micro_usd,cost_usd,unpriced_requests,tasks_created,tasks_completed',
    );
    expect(lines[1]).toBe(`${d1},3,1,310,150,10,4000,0.004000,0,1,0`);
    expect(lines).toHaveLength(6); // header, 4 days, and the empty rest after the last CRLF
    expect(lines[5]).toBe('');

    const csv = await get<string>(`/api/analytics/ai-costs?from=${d1}&to=${today}&groupBy=model`, b, {
      accept: 'text/csv',
    });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.body.split('\r\n')).toContain(
      `openai,"'=HYPERLINK(""http://x""),y",1,0,100,50,0,0,0.000000,1,10,10`,
    );
    const json = await get<CostReportDto>(`/api/analytics/ai-costs?from=${d1}&to=${today}`, b, {
      accept: 'application/json',
    });
    expect(json.body.rows.length).toBe(3);
  });

  it('serves the CSV export to a script with a personal API key, still only its owner’s data', async () => {
    const created = await api.call<{ key: string }>('POST', '/api/auth/api-keys', {
      token: a.accessToken,
      body: { name: 'export script' },
    });
    expect(created.status).toBe(201);
    const res = await api.call<string>('GET', `/api/analytics/usage?from=${d1}&to=${d1}&format=csv`, {
      token: created.body.key,
    });
    expect(res.status).toBe(200);
    expect(res.body.split('\r\n')[1]).toBe(`${d1},3,1,310,150,10,4000,0.004000,0,1,0`);
    const all = await api.call('GET', '/api/analytics/usage?scope=all', { token: created.body.key });
    expect(all.status).toBe(403);
  });

  it('validates dates, ranges and parameters (400) and needs a token (401)', async () => {
    const status = async (query: string) => (await get(`/api/analytics/usage?${query}`, a)).status;
    expect(await status(`from=${today}&to=${d1}`)).toBe(400);
    expect(await status(`from=${addDays(today, -366)}&to=${today}`)).toBe(400);
    expect(await status(`from=${addDays(today, -365)}&to=${today}`)).toBe(200);
    expect(await status('from=2026-02-30')).toBe(400);
    expect(await status('from=yesterday')).toBe(400);
    expect(await status('granularity=week')).toBe(400);
    expect(await status('format=xml')).toBe(400);
    expect(await status('limit=5')).toBe(400);
    expect((await get('/api/analytics/ai-costs?groupBy=provider', a)).status).toBe(400);
    expect((await api.get('/api/analytics/usage')).status).toBe(401);
  });

  it('rolls up closed days on its schedule, with the same numbers, and leaves today raw', async () => {
    await waitFor(
      async () => (await rollupState(d1)) === true && (await rollupState(d2)) === true,
      'the roll-up',
    );
    expect(await rollupState(today)).toBe(false);
    const row = await db.client.usageDaily.findUniqueOrThrow({
      where: {
        day_userId_provider_model_operation: {
          day: startOfDay(d1),
          userId: a.user.id,
          provider: 'openai',
          model: 'gpt-4o',
          operation: 'chat',
        },
      },
    });
    expect(row).toMatchObject({
      requests: 3,
      errors: 1,
      costMicroUsd: 4000n,
      latencySumMs: 400n,
      latencyMaxMs: 300,
    });
    expect(row.latencyHistogram.reduce((s, n) => s + n, 0)).toBe(2);
    expect(
      await db.client.taskDaily.findMany({ where: { day: startOfDay(d1) }, orderBy: { userId: 'asc' } }),
    ).toEqual(
      [
        { day: startOfDay(d1), userId: a.user.id, created: 1, completed: 0 },
        { day: startOfDay(d1), userId: b.user.id, created: 1, completed: 1 },
      ].sort((x, y) => x.userId.localeCompare(y.userId)),
    );
    // The reports read those roll-ups now and still say the same.
    expect(dayRow(await usageOf(a), d1)).toMatchObject({ requests: 3, costMicroUsd: 4000, tasksCreated: 1 });
    expect((await costsOf(a, 'groupBy=model')).rows[0]).toMatchObject({
      latencyAvgMs: 300,
      latencyP95Ms: 500,
    });
  });

  it('recomputes a day from its raw facts: the same rows however often it runs', async () => {
    const snapshot = async () => ({
      usage: await db.client.usageDaily.findMany({
        where: { day: startOfDay(d1) },
        orderBy: [{ userId: 'asc' }, { model: 'asc' }],
      }),
      tasks: await db.client.taskDaily.findMany({
        where: { day: startOfDay(d1) },
        orderBy: { userId: 'asc' },
      }),
    });
    const before = await snapshot();
    expect(before.usage).toHaveLength(2);
    await rollUpDay(db.client, d1, new Date());
    await rollUpDay(db.client, d1, new Date());
    expect(await snapshot()).toEqual(before);

    // A current day is served from its roll-up: a raw change made behind the service's back
    // shows only once the day is recomputed.
    const raw = { userId: a.user.id, day: startOfDay(d1), status: 'ok', latencyMs: 100 };
    await db.client.usageRecord.updateMany({ where: raw, data: { costMicroUsd: 1_001_500n } });
    expect(dayRow(await usageOf(a), d1).costMicroUsd).toBe(4000);
    await rollUpDay(db.client, d1, new Date());
    expect(dayRow(await usageOf(a), d1).costMicroUsd).toBe(1_004_000);
    await db.client.usageRecord.updateMany({ where: raw, data: { costMicroUsd: 1500n } });
    await rollUpDay(db.client, d1, new Date());
    expect(dayRow(await usageOf(a), d1).costMicroUsd).toBe(4000);
    expect(await snapshot()).toEqual(before);
  });

  it('counts a late event for a rolled-up day at once, and rolls the day up again', async () => {
    await emitUsage(platform.deps.cache, a.user.id, usage(at(d2, 20), { costMicroUsd: 10, latencyMs: 40 }));
    await waitFor(
      async () => dayRow(await usageOf(a), d2).costMicroUsd === 10,
      'the late event in the report',
    );
    await waitFor(async () => (await rollupState(d2)) === true, 'the second roll-up of the day');
    const report = await usageOf(a);
    expect(dayRow(report, d2)).toMatchObject({ requests: 2, costMicroUsd: 10 });
    expect(report.totals).toMatchObject({ requests: 6, costMicroUsd: 5010 });
  });

  it('counts a redelivered entry once, and two calls that share a request id twice', async () => {
    const { cache, logger } = platform.deps;
    // What the consumer loop does when an entry is delivered again: the same handler, the same entry.
    const ctx: AnalyticsContext = {
      db: db.client,
      cache,
      logger,
      settings: { rollupIntervalMs: 300, maxRangeDays: 366, rawRetentionDays: 90 },
      metrics: createAnalyticsMetrics(new Registry()),
      now: () => new Date(),
    };
    const entries = async (family: string) =>
      (await cache.readRange(domainStream(family), '0', 1000)).map(parseDomainEvent);
    const before = { a: await usageOf(a), all: await usageOf(admin, '&scope=all') };
    const usageEntries = await entries('ai.usage');
    expect(usageEntries.length).toBeGreaterThanOrEqual(10);
    for (const event of usageEntries) await ingestUsageEvent(ctx, event);
    for (const event of await entries('tasks')) await ingestTaskEvent(ctx, event);
    await waitFor(
      async () => (await rollupState(d1)) && (await rollupState(d2)),
      'the roll-ups after redelivery',
    );
    expect(await usageOf(a)).toEqual(before.a);
    expect(await usageOf(admin, '&scope=all')).toEqual(before.all);

    // A client that reuses its X-Request-Id makes two calls: both are counted.
    await emitUsage(cache, a.user.id, usage(new Date(), { requestId: firstRequestId, costMicroUsd: 1 }));
    await waitFor(
      async () => (await usageOf(a)).totals.requests === 7,
      'the second call with that request id',
    );
    expect((await usageOf(a)).totals).toMatchObject({ requests: 7, costMicroUsd: 5011 });
  });
});

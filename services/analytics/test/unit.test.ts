// Unit tests for the pure parts: days and ranges, latency histograms, aggregation, money, CSV,
// scope, event parsing, the task-fact rule and report building.
import { type Identity, permissionsFor } from '@elwosa/runtime';
import { describe, expect, it } from 'vitest';
import { csvField, toCsv } from '../src/domain/csv.js';
import { resolveDateRange } from '../src/domain/date-range.js';
import { addDays, daysInclusive, eachDay } from '../src/domain/days.js';
import {
  emptyHistogram,
  HISTOGRAM_SIZE,
  LATENCY_BOUNDS_MS,
  mergeHistograms,
  quantileUpperBound,
} from '../src/domain/latency-histogram.js';
import { formatMicroUsd, toSafeNumber } from '../src/domain/money.js';
import { buildCostReport, buildUsageReport } from '../src/domain/report-builders.js';
import { costReportCsv, usageReportCsv } from '../src/domain/report-csv.js';
import { resolveScope } from '../src/domain/scope.js';
import { mergeTaskFact, parseTaskEvent, type TaskFact } from '../src/domain/task-facts.js';
import { foldPartials, type UsageAggregate, type UsagePartial } from '../src/domain/usage-aggregate.js';
import { parseUsageEvent } from '../src/domain/usage-event.js';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';

const caller = (userId: string, roles: string[]): Pick<Identity, 'userId' | 'permissions'> => ({
  userId,
  permissions: permissionsFor(roles),
});

/** A histogram with `count` samples in the bucket holding `ms`. */
function histogramAt(ms: number, count = 1): number[] {
  const h = emptyHistogram();
  h[LATENCY_BOUNDS_MS.filter((b) => b <= ms).length] = count;
  return h;
}

function partial(over: Partial<UsagePartial>): UsagePartial {
  return {
    day: '2026-03-01',
    userId: A,
    provider: 'ollama',
    model: 'llama3',
    operation: 'chat',
    bucket: null,
    requests: 1,
    errors: 0,
    unpriced: 0,
    inputTokens: 10n,
    outputTokens: 20n,
    cachedTokens: 0n,
    costMicroUsd: 0n,
    latencyCount: 0,
    latencySumMs: 0n,
    latencyMaxMs: 0,
    ...over,
  };
}

function aggregate(over: Partial<UsageAggregate>): UsageAggregate {
  return {
    day: '2026-03-01',
    userId: A,
    provider: 'openai',
    model: 'gpt-4o',
    operation: 'chat',
    requests: 1,
    errors: 0,
    unpriced: 0,
    inputTokens: 100n,
    outputTokens: 50n,
    cachedTokens: 0n,
    costMicroUsd: 1_000n,
    latencySumMs: 200n,
    latencyMaxMs: 200,
    latencyHistogram: histogramAt(200),
    ...over,
  };
}

describe('days and date ranges', () => {
  it('does calendar arithmetic in UTC, across months, leap days and years', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(daysInclusive('2026-03-01', '2026-03-01')).toBe(1);
    expect(daysInclusive('2025-01-01', '2025-12-31')).toBe(365);
    expect(daysInclusive('2026-03-02', '2026-03-01')).toBe(0);
    expect(eachDay('2026-02-27', '2026-03-02')).toEqual([
      '2026-02-27',
      '2026-02-28',
      '2026-03-01',
      '2026-03-02',
    ]);
  });

  it('defaults to the 30 days ending today, or ending at `to`', () => {
    expect(resolveDateRange({}, '2026-03-31', 366)).toEqual({ from: '2026-03-02', to: '2026-03-31' });
    expect(resolveDateRange({ to: '2026-01-10' }, '2026-03-31', 366)).toEqual({
      from: '2025-12-12',
      to: '2026-01-10',
    });
    expect(resolveDateRange({}, '2026-03-31', 7)).toEqual({ from: '2026-03-25', to: '2026-03-31' });
  });

  it('refuses from after to and ranges over the limit, accepts exactly the limit', () => {
    expect(() => resolveDateRange({ from: '2026-03-02', to: '2026-03-01' }, '2026-03-31', 366)).toThrow(
      /after/,
    );
    expect(() => resolveDateRange({ from: '2025-01-01', to: '2026-01-02' }, '2026-03-31', 366)).toThrow(
      /367 days/,
    );
    expect(resolveDateRange({ from: '2025-01-01', to: '2026-01-01' }, '2026-03-31', 366)).toEqual({
      from: '2025-01-01',
      to: '2026-01-01',
    });
  });
});

describe('latency histograms', () => {
  it('has strictly increasing whole-millisecond bounds, growing by at most ~19 % from 32 ms on', () => {
    for (let i = 1; i < LATENCY_BOUNDS_MS.length; i++) {
      const [prev, bound] = [LATENCY_BOUNDS_MS[i - 1]!, LATENCY_BOUNDS_MS[i]!];
      expect(bound).toBeGreaterThan(prev);
      if (prev >= 32) expect(bound / prev).toBeLessThanOrEqual(1.2);
    }
    expect(LATENCY_BOUNDS_MS[0]).toBe(1);
    expect(LATENCY_BOUNDS_MS.at(-1)).toBe(2 ** 20);
  });

  it('merges by adding counts', () => {
    const merged = mergeHistograms(histogramAt(100, 2), histogramAt(100, 3));
    expect(merged.reduce((s, n) => s + n, 0)).toBe(5);
    expect(mergeHistograms(histogramAt(5), [])).toEqual(histogramAt(5));
    expect(merged).toHaveLength(HISTOGRAM_SIZE);
  });

  it('gives an upper bound of the percentile within one bucket of the exact value', () => {
    // 100 samples: 1..100 ms; the exact p95 is 95 ms.
    let h = emptyHistogram();
    for (let ms = 1; ms <= 100; ms++) h = mergeHistograms(h, histogramAt(ms));
    const p95 = quantileUpperBound(h, 0.95, 100)!;
    expect(p95).toBeGreaterThan(95);
    expect(p95).toBeLessThanOrEqual(Math.ceil(95 * 1.2));
    // Capped by the maximum: every sample 100 ms → p95 is 100 ms exactly.
    expect(quantileUpperBound(histogramAt(100, 20), 0.95, 100)).toBe(100);
    // Beyond the last bound only the maximum is known.
    expect(quantileUpperBound(histogramAt(5_000_000), 0.95, 5_000_000)).toBe(5_000_000);
    expect(quantileUpperBound(emptyHistogram(), 0.95, 0)).toBeNull();
  });

  it('takes the slow tail into account (5 % slow calls sit above p95, 6 % do not)', () => {
    const fast = histogramAt(10, 95);
    expect(quantileUpperBound(mergeHistograms(fast, histogramAt(5000, 5)), 0.95, 5000)).toBeLessThan(13);
    expect(
      quantileUpperBound(mergeHistograms(histogramAt(10, 94), histogramAt(5000, 6)), 0.95, 5000),
    ).toBeGreaterThan(4000);
  });
});

describe('money', () => {
  it('formats integer micro-USD exactly', () => {
    expect(formatMicroUsd(0n)).toBe('0.000000');
    expect(formatMicroUsd(1n)).toBe('0.000001');
    expect(formatMicroUsd(1_234_567n)).toBe('1.234567');
    expect(formatMicroUsd(9_007_199_254_740_993n)).toBe('9007199254.740993');
  });

  it('refuses totals a JSON number cannot hold exactly', () => {
    expect(toSafeNumber(9_007_199_254_740_991n)).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => toSafeNumber(9_007_199_254_740_993n)).toThrow(RangeError);
  });
});

describe('aggregation', () => {
  it('folds partial rows per key: sums, errors, latency of successful calls only', () => {
    const [row, ...rest] = foldPartials([
      partial({
        bucket: 40,
        requests: 3,
        latencyCount: 3,
        latencySumMs: 300n,
        latencyMaxMs: 120,
        costMicroUsd: 5n,
      }),
      partial({
        bucket: 50,
        requests: 1,
        latencyCount: 1,
        latencySumMs: 900n,
        latencyMaxMs: 900,
        costMicroUsd: 7n,
      }),
      partial({ bucket: null, requests: 2, errors: 2, unpriced: 1, costMicroUsd: 1n }),
    ]);
    expect(rest).toEqual([]);
    expect(row).toMatchObject({
      requests: 6,
      errors: 2,
      unpriced: 1,
      inputTokens: 30n,
      outputTokens: 60n,
      costMicroUsd: 13n,
      latencySumMs: 1200n,
      latencyMaxMs: 900,
    });
    expect(row!.latencyHistogram[40]).toBe(3);
    expect(row!.latencyHistogram[50]).toBe(1);
    expect(row!.latencyHistogram.reduce((s, n) => s + n, 0)).toBe(4);
  });

  it('keeps different keys apart', () => {
    const rows = foldPartials([
      partial({}),
      partial({ userId: B }),
      partial({ model: 'qwen' }),
      partial({ day: '2026-03-02' }),
    ]);
    expect(rows).toHaveLength(4);
  });

  it('groups by model, user or day, most expensive first, with exact totals', () => {
    const usage = [
      aggregate({ costMicroUsd: 100n }),
      aggregate({
        userId: B,
        costMicroUsd: 250n,
        latencySumMs: 1000n,
        latencyMaxMs: 1000,
        latencyHistogram: histogramAt(1000),
      }),
      aggregate({ provider: 'ollama', model: 'llama3', costMicroUsd: 0n, day: '2026-03-02' }),
    ];
    const byModel = buildCostReport('model', usage);
    expect(byModel.rows.map((r) => [r.provider, r.model, r.requests, r.costMicroUsd])).toEqual([
      ['openai', 'gpt-4o', 2, 350],
      ['ollama', 'llama3', 1, 0],
    ]);
    expect(byModel.rows[0]).toMatchObject({ latencyAvgMs: 600, costUsd: '0.000350' });
    expect(byModel.rows[0]!.latencyP95Ms).toBeGreaterThanOrEqual(1000);
    expect(byModel.rows[0]).not.toHaveProperty('userId');
    expect(buildCostReport('user', usage).rows.map((r) => [r.userId, r.costMicroUsd])).toEqual([
      [B, 250],
      [A, 100],
    ]);
    expect(buildCostReport('day', usage).rows.map((r) => [r.day, r.requests])).toEqual([
      ['2026-03-01', 2],
      ['2026-03-02', 1],
    ]);
    expect(byModel.totals).toMatchObject({
      requests: 3,
      costMicroUsd: 350,
      inputTokens: 300,
      outputTokens: 150,
    });
  });

  it('reports every day of the range with usage and task counts, zeros in between', () => {
    const report = buildUsageReport(
      { from: '2026-02-28', to: '2026-03-02' },
      [aggregate({}), aggregate({ userId: B, costMicroUsd: 2n }), aggregate({ day: '2026-03-02' })],
      [
        { day: '2026-02-28', userId: A, created: 2, completed: 0 },
        { day: '2026-02-28', userId: B, created: 1, completed: 1 },
        { day: '2026-03-02', userId: A, created: 0, completed: 3 },
      ],
    );
    expect(
      report.days.map((d) => [d.day, d.requests, d.costMicroUsd, d.tasksCreated, d.tasksCompleted]),
    ).toEqual([
      ['2026-02-28', 0, 0, 3, 1],
      ['2026-03-01', 2, 1002, 0, 0],
      ['2026-03-02', 1, 1000, 0, 3],
    ]);
    expect(report.totals).toMatchObject({
      requests: 3,
      costMicroUsd: 2002,
      tasksCreated: 3,
      tasksCompleted: 4,
    });
  });
});

describe('CSV', () => {
  it('quotes per RFC 4180 and ends lines with CRLF', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x,y', 'say "hi"'],
          ['line\nbreak', null],
          [12, 'plain'],
        ],
      ),
    ).toBe('a,b\r\n"x,y","say ""hi"""\r\n"line\nbreak",\r\n12,plain\r\n');
  });

  it('defuses cells a spreadsheet would run as formulas, but not numbers', () => {
    for (const text of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', '＝1+1'])
      expect(csvField(text)).toBe(`"'${text}"`);
    expect(csvField('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvField('a=b')).toBe('a=b');
    expect(csvField(0)).toBe('0');
  });

  it('renders the reports with their headers', () => {
    const usage = buildUsageReport({ from: '2026-03-01', to: '2026-03-01' }, [aggregate({})], []);
    const csv = usageReportCsv({
      from: '2026-03-01',
      to: '2026-03-01',
      granularity: 'day',
      scope: 'user',
      userId: A,
      ...usage,
    });
    expect(csv).toBe(
      'day,requests,errors,input_tokens,output_tokens,cached_tokens,cost_micro_usd,cost_usd,unpriced_requests,tasks_created,tasks_completed\r\n' +
        '2026-03-01,1,0,100,50,0,1000,0.001000,0,0,0\r\n',
    );
    const costs = buildCostReport('model', [aggregate({ model: '=cmd|calc' })]);
    const lines = costReportCsv({
      from: '2026-03-01',
      to: '2026-03-01',
      groupBy: 'model',
      scope: 'all',
      userId: null,
      ...costs,
    }).split('\r\n');
    expect(lines[0]).toBe(
      'provider,model,requests,errors,input_tokens,output_tokens,cached_tokens,cost_micro_usd,cost_usd,unpriced_requests,latency_avg_ms,latency_p95_ms',
    );
    expect(lines[1]).toMatch(/^openai,"'=cmd\|calc",1,0,100,50,0,1000,0\.001000,0,200,\d+$/);
  });
});

describe('scope', () => {
  it('gives a user their own data and refuses everyone’s or another user’s', () => {
    expect(resolveScope(caller(A, ['user']), {})).toEqual({ kind: 'user', userId: A });
    expect(resolveScope(caller(A, ['user']), { scope: 'own' })).toEqual({ kind: 'user', userId: A });
    expect(resolveScope(caller(A, ['user']), { userId: A })).toEqual({ kind: 'user', userId: A });
    expect(() => resolveScope(caller(A, ['user']), { scope: 'all' })).toThrow(
      expect.objectContaining({ status: 403 }),
    );
    expect(() => resolveScope(caller(A, ['moderator']), { userId: B })).toThrow(
      expect.objectContaining({ status: 403 }),
    );
  });

  it('lets an admin read everyone or one user, not both at once', () => {
    expect(resolveScope(caller(A, ['admin']), { scope: 'all' })).toEqual({ kind: 'all' });
    expect(resolveScope(caller(A, ['admin']), { userId: B })).toEqual({ kind: 'user', userId: B });
    expect(resolveScope(caller(A, ['admin']), {})).toEqual({ kind: 'user', userId: A });
    expect(() => resolveScope(caller(A, ['admin']), { scope: 'all', userId: B })).toThrow(
      expect.objectContaining({ status: 400 }),
    );
  });
});

describe('ai.usage events', () => {
  const data = {
    requestId: 'req-1',
    provider: 'openai',
    model: 'gpt-4o',
    operation: 'chat',
    inputTokens: 10,
    outputTokens: 5,
    cachedTokens: 2,
    estimated: false,
    costMicroUsd: 1234,
    latencyMs: 250.6,
    ttftMs: null,
    replica: null,
    status: 'ok',
    cacheHit: false,
    conversationId: null,
    createdAt: '2026-03-01T23:59:59.999Z',
  };

  const id = '1767225600000-0';

  it('becomes a record identified by its stream entry, on the UTC day of createdAt, cost as bigint', () => {
    const parsed = parseUsageEvent({
      id,
      type: 'ai.usage',
      userId: A,
      data: { ...data, extra: 'tolerated' },
    });
    expect(parsed).toEqual({
      ok: true,
      value: expect.objectContaining({
        eventId: id,
        requestId: 'req-1',
        userId: A,
        costMicroUsd: 1234n,
        costKnown: true,
        priceVersion: null,
        latencyMs: 251,
        day: '2026-03-01',
      }),
    });
    const unpriced = parseUsageEvent({
      id,
      type: 'ai.usage',
      userId: A,
      data: { ...data, costKnown: false, priceVersion: 'v2' },
    });
    expect(unpriced.ok && [unpriced.value.costKnown, unpriced.value.priceVersion]).toEqual([false, 'v2']);
    const offset = parseUsageEvent({
      id,
      type: 'ai.usage',
      userId: A,
      data: { ...data, createdAt: '2026-03-02T00:30:00+02:00' },
    });
    expect(offset.ok && offset.value.day).toBe('2026-03-01');
  });

  it('refuses fractional money, bad user ids, unknown operations, other types and entries without id', () => {
    const refused = (over: Record<string, unknown>, userId = A, type = 'ai.usage') =>
      parseUsageEvent({ id, type, userId, data: { ...data, ...over } }).ok === false;
    expect(parseUsageEvent({ type: 'ai.usage', userId: A, data }).ok).toBe(false);
    expect(refused({ costMicroUsd: 0.5 })).toBe(true);
    expect(refused({ costMicroUsd: -1 })).toBe(true);
    expect(refused({ operation: 'image' })).toBe(true);
    expect(refused({ requestId: '' })).toBe(true);
    expect(refused({ model: 'llama\u0000' })).toBe(true); // PostgreSQL text cannot hold NUL
    expect(refused({}, 'service:chat')).toBe(true);
    expect(refused({}, A, 'ai.other')).toBe(true);
    expect(refused({})).toBe(false);
  });
});

describe('task facts', () => {
  const taskId = '33333333-3333-4333-8333-333333333333';
  const created = new Date('2026-03-01T10:00:00Z');
  const event = (type: string, status: string, completedAt: string | null) => ({
    type,
    userId: A,
    at: '2026-03-05T00:00:00Z',
    data: { id: taskId, ownerId: A, status, createdAt: created.toISOString(), completedAt, title: 'x' },
  });
  const fact = (completedAt: string | null): TaskFact => ({
    taskId,
    userId: A,
    createdAt: created,
    completedAt: completedAt ? new Date(completedAt) : null,
  });

  it('reads created and completed from task events, ignores deletions', () => {
    expect(parseTaskEvent(event('task.created', 'todo', null))).toEqual({ ok: true, value: fact(null) });
    expect(parseTaskEvent(event('task.updated', 'done', '2026-03-03T08:00:00Z'))).toEqual({
      ok: true,
      value: fact('2026-03-03T08:00:00Z'),
    });
    // A reopened task's event carries no completion.
    expect(parseTaskEvent(event('task.updated', 'todo', null))).toEqual({ ok: true, value: fact(null) });
    expect(parseTaskEvent({ type: 'task.deleted', userId: A, at: '', data: { id: taskId } }).ok).toBe(false);
    expect(parseTaskEvent({ ...event('task.created', 'todo', null), data: { id: 'nope' } }).ok).toBe(false);
  });

  it('counts a completion once, on the earliest completion day, whatever the order', () => {
    const first = '2026-03-03T08:00:00Z';
    const again = '2026-03-04T08:00:00Z';
    expect(mergeTaskFact(null, fact(null))).toEqual({ next: fact(null), touchedDays: ['2026-03-01'] });
    expect(mergeTaskFact(fact(null), fact(first))).toEqual({
      next: fact(first),
      touchedDays: ['2026-03-01', '2026-03-03'],
    });
    // Reopened (no completion) or re-completed later: nothing changes.
    expect(mergeTaskFact(fact(first), fact(null))).toBeNull();
    expect(mergeTaskFact(fact(first), fact(again))).toBeNull();
    // The earlier completion arriving late moves the count and touches both days.
    expect(mergeTaskFact(fact(again), fact(first))).toEqual({
      next: fact(first),
      touchedDays: ['2026-03-01', '2026-03-03', '2026-03-04'],
    });
    // A duplicate changes nothing.
    expect(mergeTaskFact(fact(first), fact(first))).toBeNull();
  });
});

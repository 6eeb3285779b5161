// Upstream failures: down → 502 and recovery, circuit breaker open → 503 and half-open
// recovery, retries of idempotent requests on connect errors only, timeouts → 504.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream.js';
import { type Harness, startHarness } from '../support/harness.js';
import { rawRequest } from '../support/raw-request.js';

let h: Harness;
let token: string;
const RESET_MS = 1500;
const RESPONSE_TIMEOUT_MS = 1500;

beforeAll(async () => {
  h = await startHarness({
    gateway: {
      timeouts: { connectTimeoutMs: 1000, responseTimeoutMs: RESPONSE_TIMEOUT_MS },
      breaker: {
        volumeThreshold: 3,
        errorThresholdPercentage: 50,
        resetTimeoutMs: RESET_MS,
        rollingCountTimeoutMs: 10_000,
      },
    },
  });
  ({ token } = await h.login());
});
afterAll(async () => {
  await h?.stop();
});

const auth = () => ({ authorization: `Bearer ${token}` });
const metric = async (pattern: RegExp): Promise<number> => {
  const body = (await rawRequest(h.url, 'GET', '/metrics')).body;
  const match = pattern.exec(body);
  return match ? Number(match[1]) : 0;
};

function expectProblem(
  res: { status: number; headers: Record<string, unknown>; body: string },
  status: number,
) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toContain('application/problem+json');
  expect(JSON.parse(res.body)).toMatchObject({ status });
}

describe('upstream down', () => {
  let upstream: FakeUpstream | undefined;
  afterAll(async () => {
    await upstream?.close();
  });

  it('→ 502 problem+json at once, and service resumes when the upstream is back', async () => {
    const started = Date.now();
    expectProblem(await rawRequest(h.url, 'GET', '/api/notifications', auth()), 502);
    expect(Date.now() - started).toBeLessThan(RESPONSE_TIMEOUT_MS);
    upstream = await startFakeUpstream(h.closedPorts.notifications);
    const res = await rawRequest(h.url, 'GET', '/api/notifications', auth());
    expect(res.status).toBe(200);
    expect(upstream.requests).toHaveLength(1);
  });
});

describe('retries', () => {
  it('retries an idempotent request once on a connect error, never a POST', async () => {
    const retries = /gateway_upstream_retries_total\{upstream="analytics"\} (\d+)/;
    expect(await metric(retries)).toBe(0);
    expectProblem(await rawRequest(h.url, 'GET', '/api/analytics/usage', auth()), 502);
    expect(await metric(retries)).toBe(1);
    expectProblem(
      await rawRequest(
        h.url,
        'POST',
        '/api/analytics/usage',
        { ...auth(), 'content-type': 'application/json' },
        '{}',
      ),
      502,
    );
    expect(await metric(retries)).toBe(1);
    expectProblem(await rawRequest(h.url, 'DELETE', '/api/analytics/x', auth()), 502);
    expect(await metric(retries)).toBe(2);
  });

  it('a reset after the request was sent is not retried', async () => {
    const before = h.tasks.requests.length;
    h.tasks.handler = (req) => req.socket.destroy();
    try {
      expectProblem(await rawRequest(h.url, 'GET', '/api/tasks/reset', auth()), 502);
      expect(h.tasks.requests.length).toBe(before + 1);
    } finally {
      h.tasks.handler = undefined;
    }
  });
});

describe('broken responses', () => {
  it('an upstream that dies mid-body ends the client response too (no hang), and the gateway carries on', async () => {
    h.tasks.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '100000' });
      res.write('partial');
      setTimeout(() => res.socket?.destroy(), 20);
    };
    try {
      await expect(rawRequest(h.url, 'GET', '/api/tasks/partial', auth())).rejects.toThrow();
    } finally {
      h.tasks.handler = undefined;
    }
    expect((await rawRequest(h.url, 'GET', '/api/tasks', auth())).status).toBe(200);
  });

  it('a client that goes away aborts the upstream request', async () => {
    let upstreamClosed: () => void = () => {};
    const closed = new Promise<void>((r) => {
      upstreamClosed = r;
    });
    h.tasks.handler = (req) => req.socket.once('close', () => upstreamClosed());
    try {
      const controller = new AbortController();
      const pending = fetch(`${h.url}/api/tasks/hang`, { headers: auth(), signal: controller.signal }).catch(
        () => undefined,
      );
      await new Promise((r) => setTimeout(r, 100));
      const abortedAt = Date.now();
      controller.abort();
      await pending;
      await closed;
      // Well before the response timeout would have closed it.
      expect(Date.now() - abortedAt).toBeLessThan(RESPONSE_TIMEOUT_MS / 2);
    } finally {
      h.tasks.handler = undefined;
    }
  });
});

describe('client going away mid-body', () => {
  it('releases the upstream response at once', async () => {
    let upstreamClosed: () => void = () => {};
    const closed = new Promise<void>((r) => {
      upstreamClosed = r;
    });
    h.tasks.handler = (req, res) => {
      req.socket.once('close', () => upstreamClosed());
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first chunk');
    };
    try {
      const controller = new AbortController();
      const res = await fetch(`${h.url}/api/tasks/stream`, { headers: auth(), signal: controller.signal });
      const reader = res.body!.getReader();
      await reader.read();
      const abortedAt = Date.now();
      controller.abort();
      await closed;
      // Well before the body idle timeout would have closed it.
      expect(Date.now() - abortedAt).toBeLessThan(RESPONSE_TIMEOUT_MS / 2);
    } finally {
      h.tasks.handler = undefined;
    }
  });
});

describe('timeouts', () => {
  it('an upstream that does not answer → 504 problem+json', async () => {
    h.tasks.handler = () => {};
    try {
      const started = Date.now();
      expectProblem(await rawRequest(h.url, 'GET', '/api/tasks/slow', auth()), 504);
      expect(Date.now() - started).toBeGreaterThanOrEqual(RESPONSE_TIMEOUT_MS - 50);
      expect(Date.now() - started).toBeLessThan(RESPONSE_TIMEOUT_MS * 2);
    } finally {
      h.tasks.handler = undefined;
    }
    expect((await rawRequest(h.url, 'GET', '/api/tasks', auth())).status).toBe(200);
  });
});

describe('circuit breaker', () => {
  let upstream: FakeUpstream | undefined;
  afterAll(async () => {
    await upstream?.close();
  });

  it('opens after repeated failures (503 without calling the upstream), half-opens, and closes on success', async () => {
    const state = /gateway_circuit_breaker_state\{upstream="memory"\} (\d+)/;
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await rawRequest(h.url, 'GET', '/api/memory/items', auth())).status);
    expect(statuses.slice(0, 3)).toEqual([502, 502, 502]);
    expect(statuses.at(-1)).toBe(503);
    expect(await metric(state)).toBe(2);

    // The upstream comes back, but the open breaker keeps traffic away until the reset timeout.
    upstream = await startFakeUpstream(h.closedPorts.memory);
    const open = await rawRequest(h.url, 'GET', '/api/memory/items', auth());
    expectProblem(open, 503);
    expect(Number(open.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(upstream.requests).toHaveLength(0);

    await new Promise((r) => setTimeout(r, RESET_MS + 100));
    expect(await metric(state)).toBe(1);
    const trial = await rawRequest(h.url, 'GET', '/api/memory/items', auth());
    expect(trial.status).toBe(200);
    expect(await metric(state)).toBe(0);
    expect((await rawRequest(h.url, 'GET', '/api/memory/items', auth())).status).toBe(200);
    expect(upstream.requests).toHaveLength(2);
    expect(
      await metric(/gateway_upstream_errors_total\{upstream="memory",kind="breaker_open"\} (\d+)/),
    ).toBeGreaterThan(0);
  });
});

// Redis taken away from the gateway (through a TCP proxy; the shared server keeps running):
// public requests keep flowing under the in-memory limiter (fail open), authenticated requests
// and upgrades fail closed with 503, readiness turns false, and everything resumes by itself.
import { randomUUID } from 'node:crypto';
import { createCacheBus, createLogger } from '@elwosa/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { haveRealRedis, TEST_REDIS_URL } from '../../../../test-support/backends.ts';
import { TcpProxy } from '../../../../test-support/tcp-proxy.ts';
import { waitFor } from '../../../../test-support/wait.ts';
import { type Harness, startHarness } from '../support/harness.js';
import { rawRequest } from '../support/raw-request.js';

function upgradeStatus(url: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
    ws.once('open', () => {
      ws.terminate();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', reject);
  });
}

describe.runIf(haveRealRedis())('the gateway when Redis goes away (real Redis)', () => {
  let proxy: TcpProxy;
  let h: Harness;

  beforeAll(async () => {
    const target = new URL(TEST_REDIS_URL);
    proxy = await new TcpProxy({ host: target.hostname, port: Number(target.port) }).start();
    const cache = await createCacheBus({
      redisUrl: proxy.url,
      keyPrefix: `test:gateway:${randomUUID()}:`,
      logger: createLogger({ level: 'silent' }),
    });
    h = await startHarness({ cache, env: { ELWOSA_RATE_LIMIT_PER_MINUTE: '5' } });
  });
  afterAll(async () => {
    await h?.stop();
    await proxy?.close();
  });

  it('fails open for rate limits, closed for authentication, and recovers without a restart', async () => {
    const { token } = await h.login();
    const authed = () => rawRequest(h.url, 'GET', '/api/tasks', { authorization: `Bearer ${token}` });
    expect((await authed()).status).toBe(200);

    await proxy.cut();
    const denied = await authed();
    expect(denied.status).toBe(503);
    expect(JSON.parse(denied.body)).toMatchObject({ status: 503 });
    expect(await upgradeStatus(h.wsUrl, token)).toBe(503);
    expect((await rawRequest(h.url, 'GET', '/readyz')).status).toBe(503);

    // Public requests keep flowing, still limited (5 per minute per address, counted in memory).
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await rawRequest(h.url, 'POST', '/api/auth/login', {}, '')).status);
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses.at(-1)).toBe(429);
    const metrics = (await rawRequest(h.url, 'GET', '/metrics')).body;
    expect(metrics).toMatch(
      /gateway_rate_limit_decisions_total\{decision="denied",subject="ip",backend="memory"\} [1-9]/,
    );

    await proxy.restore();
    await waitFor(async () => (await authed()).status === 200, 'the service to answer again', 15_000);
    await waitFor(
      async () => (await rawRequest(h.url, 'GET', '/readyz')).status === 200,
      'readiness to return',
      15_000,
    );
    expect(await upgradeStatus(h.wsUrl, token)).toBe(101);
    const after = (await rawRequest(h.url, 'GET', '/metrics')).body;
    expect(after).toMatch(
      /gateway_rate_limit_decisions_total\{decision="allowed",subject="user",backend="cache"\} [2-9]/,
    );
  });
});

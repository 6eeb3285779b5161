// The upstream client against real sockets: the retry after a connect error succeeds for an
// idempotent request, and a POST is never sent twice.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../../test-support/ports.ts';
import {
  createUpstreamDispatcher,
  sendWithRetry,
  type UpstreamCall,
} from '../../src/proxy/upstream-client.js';
import { UpstreamError } from '../../src/proxy/upstream-errors.js';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream.js';

/** A dispatcher whose first connection attempt goes to a closed port (ECONNREFUSED). */
function flakyDispatcher(closedPort: number) {
  const counter = { attempts: 0 };
  const dispatcher = createUpstreamDispatcher(timeouts, (options, callback) => {
    counter.attempts += 1;
    const port = counter.attempts === 1 ? closedPort : Number(options.port);
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => callback(null, socket));
    socket.once('error', (err) => callback(err, null));
  });
  return { dispatcher, counter };
}

const timeouts = { connectTimeoutMs: 1000, responseTimeoutMs: 1000 };
let upstream: FakeUpstream;
let closedPort: number;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  closedPort = await freePort();
});
afterAll(async () => {
  await upstream.close();
});

const call = (method: string): UpstreamCall => ({
  upstream: 'test',
  url: new URL(`${upstream.url}/x`),
  method,
  headers: method === 'GET' ? {} : { 'content-length': '2' },
  body: method === 'GET' ? undefined : Buffer.from('{}'),
  signal: new AbortController().signal,
});

describe('sendWithRetry', () => {
  it.each(['GET', 'PUT', 'DELETE'])(
    '%s: a connect error is retried once and the retry succeeds',
    async (method) => {
      const { dispatcher, counter } = flakyDispatcher(closedPort);
      let retried = 0;
      const res = await sendWithRetry(call(method), dispatcher, () => retried++);
      expect(res.statusCode).toBe(200);
      expect(JSON.parse(await res.body.text())).toMatchObject({ method, url: '/x' });
      expect(counter.attempts).toBe(2);
      expect(retried).toBe(1);
      await dispatcher.close();
    },
  );

  it.each(['POST', 'PATCH'])('%s: a connect error is not retried', async (method) => {
    const { dispatcher, counter } = flakyDispatcher(closedPort);
    const before = upstream.requests.length;
    const err = await sendWithRetry(call(method), dispatcher).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).failure).toBe('connect');
    expect(counter.attempts).toBe(1);
    expect(upstream.requests.length).toBe(before);
    await dispatcher.close();
  });
});

// The upstream client against real sockets: the retry after a connect error succeeds for an
// idempotent request, and a POST is never sent twice.
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../../test-support/ports.ts';
import { sendWithRetry, type UpstreamCall } from '../../src/proxy/upstream-client.js';
import { UpstreamError } from '../../src/proxy/upstream-errors.js';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream.js';

/** An agent whose first connection attempt goes to a closed port (ECONNREFUSED). */
class FlakyAgent extends http.Agent {
  attempts = 0;
  constructor(private readonly closedPort: number) {
    super({ keepAlive: false });
  }
  override createConnection(
    options: net.NetConnectOpts & { port?: number },
    callback?: (err: Error | null, socket: net.Socket) => void,
  ) {
    this.attempts += 1;
    const port = this.attempts === 1 ? this.closedPort : Number(options.port);
    const socket = net.connect({ host: '127.0.0.1', port });
    callback?.(null, socket);
    return socket;
  }
}

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
const timeouts = { connectTimeoutMs: 1000, responseTimeoutMs: 1000 };

describe('sendWithRetry', () => {
  it.each(['GET', 'PUT', 'DELETE'])(
    '%s: a connect error is retried once and the retry succeeds',
    async (method) => {
      const agent = new FlakyAgent(closedPort);
      let retried = 0;
      const res = await sendWithRetry(call(method), agent, timeouts, () => retried++);
      expect(res.statusCode).toBe(200);
      res.resume();
      expect(agent.attempts).toBe(2);
      expect(retried).toBe(1);
    },
  );

  it.each(['POST', 'PATCH'])('%s: a connect error is not retried', async (method) => {
    const agent = new FlakyAgent(closedPort);
    const before = upstream.requests.length;
    const err = await sendWithRetry(call(method), agent, timeouts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).failure).toBe('connect');
    expect(agent.attempts).toBe(1);
    expect(upstream.requests.length).toBe(before);
  });
});

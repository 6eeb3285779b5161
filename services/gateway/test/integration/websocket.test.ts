// /ws: authentication at upgrade, the envelope protocol, payload limit, heartbeat, backpressure,
// rate limiting of upgrades, and 1001 on shutdown (event delivery and resume: live-updates.test.ts).
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { type ClientOptions } from 'ws';
import { type Harness, startHarness } from '../support/harness.js';
import { rawRequest } from '../support/raw-request.js';
import { openClient as open } from '../support/ws-client.js';

// Short for the tests, long enough that a busy machine does not miss a pong.
const HEARTBEAT_MS = 400;
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ gateway: { heartbeatMs: HEARTBEAT_MS } });
});
afterAll(async () => {
  await h?.stop();
});

async function rejected(
  url: string,
  protocols: string[] = [],
  options: ClientOptions = {},
): Promise<IncomingMessage> {
  const err = await open(url, protocols, options).then(
    (c) => {
      c.ws.terminate();
      throw new Error('the upgrade was accepted');
    },
    (e: unknown) => e as { res?: IncomingMessage },
  );
  expect(err.res, String(err)).toBeDefined();
  return err.res!;
}

const connections = async () =>
  Number(/gateway_ws_connections (\d+)/.exec((await rawRequest(h.url, 'GET', '/metrics')).body)?.[1]);

describe('authentication at upgrade', () => {
  it('no token → 401 with WWW-Authenticate, and no socket', async () => {
    const res = await rejected(h.wsUrl);
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(h.gateway.hub.size).toBe(0);
  });

  it.each([
    ['a malformed token', async () => 'abc'],
    ['an expired token', async () => (await h.login({ expiresIn: -120 })).token],
    ['a wrong audience', async () => (await h.login({ aud: 'other' })).token],
    ['a revoked session', async () => h.tokens.sign()],
  ])('%s → 401, no socket', async (_name, token) => {
    const t = await token();
    expect((await rejected(h.wsUrl, [], { headers: { authorization: `Bearer ${t}` } })).statusCode).toBe(401);
    expect((await rejected(h.wsUrl, ['elwosa.v1', `bearer.${t}`])).statusCode).toBe(401);
    expect((await rejected(`${h.wsUrl}?access_token=${t}`)).statusCode).toBe(401);
    expect(h.gateway.hub.size).toBe(0);
  });

  it('another path → 404', async () => {
    const { token } = await h.login();
    const res = await rejected(h.wsUrl.replace('/ws', '/api/tasks'), [], {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.statusCode).toBe(404);
  });

  it('a good token in the Authorization header → hello with the user and the connection id', async () => {
    const { token, userId } = await h.login();
    const client = await open(h.wsUrl, [], { headers: { authorization: `Bearer ${token}` } });
    const hello = await client.next();
    expect(hello).toMatchObject({ type: 'hello', seq: null, data: { userId, heartbeatMs: HEARTBEAT_MS } });
    expect(hello.data.connectionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await connections()).toBe(1);
    client.ws.close();
    await client.closed;
  });

  it('a good token in the bearer subprotocol → hello, and elwosa.v1 is echoed', async () => {
    const { token, userId } = await h.login();
    const client = await open(h.wsUrl, ['elwosa.v1', `bearer.${token}`]);
    expect(client.ws.protocol).toBe('elwosa.v1');
    expect((await client.next()).data.userId).toBe(userId);
    client.ws.close();
    await client.closed;
  });

  it('a good token in the query → hello; the token never reaches the logs', async () => {
    const { token, userId } = await h.login();
    const client = await open(`${h.wsUrl}?access_token=${token}`);
    expect((await client.next()).data.userId).toBe(userId);
    client.ws.close();
    await client.closed;
    const logs = h.logs.join('');
    expect(logs).toContain('access_token=[redacted]');
    expect(logs).not.toContain(token);
  });
});

describe('protocol', () => {
  it('answers ping, reports bad messages, and control messages carry no seq', async () => {
    const { token } = await h.login();
    const client = await open(h.wsUrl, [], { headers: { authorization: `Bearer ${token}` } });
    await client.next();
    client.ws.send(JSON.stringify({ type: 'ping', data: { n: 1 } }));
    expect(await client.next()).toEqual({ type: 'pong', seq: null, data: { n: 1 } });
    client.ws.send(JSON.stringify({ type: 'resume', data: { lastSeq: 41 } }));
    expect(await client.next()).toMatchObject({ type: 'error', seq: null, data: { code: 'bad_message' } });
    client.ws.send('{"type":"subscribe","data":{"userId":"someone-else"}}');
    expect(await client.next()).toMatchObject({ type: 'error', seq: null, data: { code: 'bad_message' } });
    client.ws.close();
    await client.closed;
  });

  it('a message over 64 KiB closes the connection with 1009', async () => {
    const { token } = await h.login();
    const client = await open(h.wsUrl, [], { headers: { authorization: `Bearer ${token}` } });
    await client.next();
    client.ws.send(JSON.stringify({ type: 'ping', data: 'x'.repeat(64 * 1024) }));
    expect((await client.closed).code).toBe(1009);
  });

  it('a message just under the limit is fine', async () => {
    const { token } = await h.login();
    const client = await open(h.wsUrl, [], { headers: { authorization: `Bearer ${token}` } });
    await client.next();
    client.ws.send(JSON.stringify({ type: 'ping', data: 'x'.repeat(60 * 1024) }));
    expect((await client.next()).type).toBe('pong');
    client.ws.close();
    await client.closed;
  });
});

describe('message budget', () => {
  it('closes a client that floods the gateway with messages (1008)', async () => {
    const { token } = await h.login();
    const client = await open(h.wsUrl, [], { headers: { authorization: `Bearer ${token}` } });
    await client.next();
    for (let i = 0; i < 100; i++) client.ws.send('{"type":"ping"}');
    const { code, reason } = await client.closed;
    expect(code).toBe(1008);
    expect(reason).toBe('too many messages');
    expect(client.messages.filter((m) => m.type === 'pong').length).toBeLessThanOrEqual(41);
  });
});

describe('backpressure', () => {
  it('closes a client that stops reading with 1013 instead of buffering without bound', async () => {
    const { token, userId } = await h.login();
    const client = await open(h.wsUrl, [], { headers: { authorization: `Bearer ${token}` } });
    await client.next();
    const socket = (client.ws as unknown as { _socket: import('node:net').Socket })._socket;
    socket.pause();
    const chunk = 'x'.repeat(64 * 1024);
    let accepted = 0;
    const event = (i: number) => ({ userId, seq: `${i + 1}-0`, type: 'bulk', data: chunk });
    for (let i = 0; i < 400 && h.gateway.hub.deliver(event(i)) === 1; i++) accepted++;
    expect(accepted).toBeLessThan(400);
    socket.resume();
    expect((await client.closed).code).toBe(1013);
  });
});

describe('heartbeat', () => {
  it('terminates a client that does not answer pings, keeps one that does', async () => {
    const { token } = await h.login();
    const headers = { authorization: `Bearer ${token}` };
    const silent = await open(h.wsUrl, [], { headers, autoPong: false });
    const healthy = await open(h.wsUrl, [], { headers });
    let pings = 0;
    silent.ws.on('ping', () => pings++);
    const { code } = await silent.closed;
    expect(code).toBe(1006);
    expect(pings).toBeGreaterThanOrEqual(1);
    await new Promise((r) => setTimeout(r, HEARTBEAT_MS * 3));
    expect(healthy.ws.readyState).toBe(WebSocket.OPEN);
    healthy.ws.close();
    await healthy.closed;
  });
});

describe('revocation', () => {
  it('closes a connection with 1008 once its session is revoked (checked on every heartbeat)', async () => {
    const { token, sessionId } = await h.login();
    const other = await h.login();
    const client = await open(h.wsUrl, [], { headers: { authorization: `Bearer ${token}` } });
    const kept = await open(h.wsUrl, [], { headers: { authorization: `Bearer ${other.token}` } });
    await Promise.all([client.next(), kept.next()]);
    await h.cache.del(`auth:session:${sessionId}`);
    const { code, reason } = await client.closed;
    expect(code).toBe(1008);
    expect(reason).toBe('session revoked');
    expect(kept.ws.readyState).toBe(WebSocket.OPEN);
    kept.ws.close();
    await kept.closed;
  });
});

describe('rate limit', () => {
  it('upgrades count against the user limit like other requests', async () => {
    const h2 = await startHarness({ env: { ELWOSA_RATE_LIMIT_PER_MINUTE: '2' } });
    try {
      const { token } = await h2.login();
      const headers = { authorization: `Bearer ${token}` };
      const first = await open(h2.wsUrl, [], { headers });
      expect((await rawRequest(h2.url, 'GET', '/api/tasks', headers)).status).toBe(200);
      const res = await rejected(h2.wsUrl, [], { headers });
      expect(res.statusCode).toBe(429);
      expect(res.headers['retry-after']).toBeDefined();
      expect(res.headers['ratelimit-policy']).toBe('"default";q=2;w=60');
      first.ws.close();
      await first.closed;
    } finally {
      await h2.stop();
    }
  });
});

describe('client address behind a trusted proxy', () => {
  it('anonymous upgrades are counted per client address resolved with the trusted hops', async () => {
    const h2 = await startHarness({ env: { ELWOSA_RATE_LIMIT_PER_MINUTE: '2', ELWOSA_TRUST_PROXY: '1' } });
    try {
      const from = (ip: string) => ({ headers: { 'x-forwarded-for': `6.6.6.6, ${ip}` } });
      expect((await rejected(h2.wsUrl, [], from('198.51.100.1'))).statusCode).toBe(401);
      expect((await rejected(h2.wsUrl, [], from('198.51.100.1'))).statusCode).toBe(401);
      expect((await rejected(h2.wsUrl, [], from('198.51.100.1'))).statusCode).toBe(429);
      expect((await rejected(h2.wsUrl, [], from('198.51.100.2'))).statusCode).toBe(401);
    } finally {
      await h2.stop();
    }
  });
});

describe('shutdown', () => {
  it('refuses new upgrades while draining and closes open connections with 1001', async () => {
    const { token } = await h.login();
    const client = await open(h.wsUrl, [], { headers: { authorization: `Bearer ${token}` } });
    await client.next();
    h.gateway.readiness.startDraining();
    expect((await rejected(h.wsUrl, [], { headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(
      503,
    );
    const stopping = h.deps.lifecycle.shutdown('test');
    const { code } = await client.closed;
    expect(code).toBe(1001);
    await stopping;
  });
});

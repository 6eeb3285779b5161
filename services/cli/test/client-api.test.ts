// The CLI's HTTP client against a scripted local server: bearer token, proactive and 401-driven
// refresh, one retry of a transient failure with the same Idempotency-Key, and no retry of
// anything else.

import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, ClientError } from '../src/client/api-client.js';
import { CredentialStore } from '../src/client/credentials.js';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

let server: http.Server;
let url: string;
let dir: string;
let seen: Seen[] = [];
let script: Array<(req: Seen) => [number, unknown]> = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'elwosa-cli-api-'));
  server = http.createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    const entry = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
    seen.push(entry);
    const [status, payload] = (script.shift() ?? (() => [500, { detail: 'unscripted' }]))(entry);
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  seen = [];
  script = [];
});

async function signedIn(accessExpiresAt = Date.now() + 600_000) {
  const store = new CredentialStore(path.join(dir, `c-${Math.random()}`));
  await store.put(url, { email: 'e@x', accessToken: 'access-1', refreshToken: 'refresh-1', accessExpiresAt });
  return { store, api: new ApiClient(url, store) };
}

const pair = (n: number) => ({
  accessToken: `access-${n}`,
  refreshToken: `refresh-${n}`,
  expiresIn: 900,
  user: { email: 'e@x' },
});

describe('CLI API client', () => {
  it('retries a transient failure once with the same Idempotency-Key', async () => {
    const { api } = await signedIn();
    script = [() => [503, { detail: 'busy' }], () => [201, { id: 'task-1' }]];
    const task = await api.authed(
      'POST',
      '/api/tasks',
      { title: 't' },
      { 'idempotency-key': 'k-1' },
      { retryTransient: true },
    );
    expect(task).toEqual({ id: 'task-1' });
    expect(seen.map((s) => [s.headers['idempotency-key'], s.body, s.headers.authorization])).toEqual([
      ['k-1', '{"title":"t"}', 'Bearer access-1'],
      ['k-1', '{"title":"t"}', 'Bearer access-1'],
    ]);
  });

  it('does not retry without the option, nor a client error', async () => {
    const { api } = await signedIn();
    script = [() => [503, { detail: 'busy' }]];
    await expect(api.authed('POST', '/api/tasks', {})).rejects.toThrow('busy (HTTP 503)');
    script = [() => [400, { detail: 'invalid body' }]];
    await expect(api.authed('POST', '/api/tasks', {}, {}, { retryTransient: true })).rejects.toThrow(
      ClientError,
    );
    expect(seen).toHaveLength(2);
  });

  it('refreshes an expiring token before the request and after a 401, saving each rotated pair', async () => {
    const { api, store } = await signedIn(Date.now());
    script = [
      (req) => [req.body.includes('refresh-1') ? 200 : 401, pair(2)],
      (req) => [req.headers.authorization === 'Bearer access-2' ? 401 : 500, { detail: 'token revoked' }],
      (req) => [req.body.includes('refresh-2') ? 200 : 401, pair(3)],
      (req) => [200, { ok: req.headers.authorization === 'Bearer access-3' }],
    ];
    expect(await api.authed('GET', '/api/tasks')).toEqual({ ok: true });
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'POST /api/auth/refresh',
      'GET /api/tasks',
      'POST /api/auth/refresh',
      'GET /api/tasks',
    ]);
    expect(await store.get(url)).toMatchObject({ accessToken: 'access-3', refreshToken: 'refresh-3' });
  });

  it('forgets the session when the refresh token is refused', async () => {
    const { api, store } = await signedIn(0);
    script = [() => [401, { detail: 'invalid refresh token' }]];
    await expect(api.authed('GET', '/api/tasks')).rejects.toThrow(/elwosa login/);
    expect(await store.get(url)).toBeUndefined();
  });

  it('reports an unreachable server as a transient one-line error', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const { port } = closed.address() as AddressInfo;
    await new Promise((r) => closed.close(r));
    const api = new ApiClient(`http://127.0.0.1:${port}`, new CredentialStore(path.join(dir, 'offline')));
    const err = await api.send('GET', '/x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClientError);
    expect((err as ClientError).transient).toBe(true);
    expect((err as Error).message).toBe(`cannot reach http://127.0.0.1:${port} (ECONNREFUSED)`);
  });
});

// What is reachable through the gateway, and how: other services' operational and internal
// endpoints never; CORS; security headers; body size; the OpenAPI document.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALLOWED_ORIGIN, type Harness, startHarness } from '../support/harness.js';
import { rawRequest } from '../support/raw-request.js';

let h: Harness;
let token: string;

beforeAll(async () => {
  h = await startHarness();
  ({ token } = await h.login());
});
afterAll(async () => {
  await h?.stop();
});

const auth = () => ({ authorization: `Bearer ${token}` });

describe('operational and internal endpoints of upstreams', () => {
  it.each([
    '/api/auth/../../metrics',
    '/api/auth/%2e%2e/%2e%2e/metrics',
    '/api/auth/%2E%2E/%2E%2E/internal/sessions/x',
    '/api/auth/../internal/sessions/x',
    '/api/auth/internal/sessions/x',
    '/api/auth//internal/sessions/x',
    '/API/AUTH/Internal/sessions/x',
    '/api/auth/%69nternal/sessions/x',
    '/api/auth/..%2f..%2finternal/sessions/x',
    '/api/auth%2f..%2f..%2finternal/sessions/x',
    '/api/auth/..%5c..%5cinternal',
    '/api/auth/../../healthz',
    '/api/tasks/../../readyz',
    '//internal/sessions/x',
    '/internal/sessions/x',
    '/v1/../internal/x',
    '/api/tasks/%2e%2e/%2e%2e/%2e%2e/metrics',
  ])('%s never reaches an upstream', async (path) => {
    const before = h.auth.requests.length + h.tasks.requests.length;
    const res = await rawRequest(h.url, 'GET', path, auth());
    expect([400, 404]).toContain(res.status);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(h.auth.requests.length + h.tasks.requests.length).toBe(before);
  });

  it('the gateway serves only its own /metrics', async () => {
    const res = await rawRequest(h.url, 'GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.body).toContain('gateway_rate_limit_decisions_total');
    expect(h.auth.requests.some((r) => r.url.includes('metrics'))).toBe(false);
  });

  it('forwards the normalised path', async () => {
    const res = await rawRequest(h.url, 'GET', '/api//tasks/./7/?q=a%20b', auth());
    expect(res.status).toBe(200);
    expect((JSON.parse(res.body) as { url: string }).url).toBe('/api/tasks/7?q=a%20b');
  });

  it('proxies HEAD without a body', async () => {
    const res = await rawRequest(h.url, 'HEAD', '/api/tasks/1', auth());
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    expect(h.tasks.requests.at(-1)?.method).toBe('HEAD');
  });

  it('streams large upstream responses through', async () => {
    const big = 'x'.repeat(3 * 1024 * 1024);
    h.tasks.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write(big.slice(0, 1024 * 1024));
      setTimeout(() => res.end(big.slice(1024 * 1024)), 20);
    };
    try {
      const res = await rawRequest(h.url, 'GET', '/api/tasks/big', auth());
      expect(res.status).toBe(200);
      expect(res.body.length).toBe(big.length);
    } finally {
      h.tasks.handler = undefined;
    }
  });

  it('paths outside the routing table are 404 problem+json', async () => {
    const res = await rawRequest(h.url, 'GET', '/nothing/here');
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body)).toMatchObject({ status: 404 });
  });

  it('a plain GET /ws asks for an upgrade', async () => {
    const res = await rawRequest(h.url, 'GET', '/ws');
    expect(res.status).toBe(426);
    expect(res.headers.upgrade).toBe('websocket');
  });
});

describe('CORS', () => {
  it('an allowed origin gets its origin back with credentials, never *', async () => {
    const res = await fetch(`${h.url}/api/tasks`, { headers: { ...auth(), origin: ALLOWED_ORIGIN } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('vary')).toContain('Origin');
  });

  it('responses vary on Origin even when the request had none', async () => {
    const res = await fetch(`${h.url}/api/tasks`, { headers: auth() });
    expect(res.headers.get('vary')).toContain('Origin');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('a disallowed origin gets no Access-Control-Allow-Origin', async () => {
    const res = await fetch(`${h.url}/api/tasks`, {
      headers: { ...auth(), origin: 'https://evil.example.com' },
    });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('errors carry CORS headers for allowed origins (so the browser can read the 401)', async () => {
    const res = await fetch(`${h.url}/api/tasks`, { headers: { origin: ALLOWED_ORIGIN } });
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
  });

  it('answers preflights without a token and without calling the upstream', async () => {
    const before = h.tasks.requests.length;
    const ok = await fetch(`${h.url}/api/tasks`, {
      method: 'OPTIONS',
      headers: {
        origin: ALLOWED_ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(ok.headers.get('access-control-allow-methods')).toContain('POST');
    expect(ok.headers.get('access-control-allow-headers')).toContain('Authorization');
    const denied = await fetch(`${h.url}/api/tasks`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' },
    });
    expect(denied.headers.get('access-control-allow-origin')).toBeNull();
    expect(denied.headers.get('access-control-allow-methods')).toBeNull();
    expect(h.tasks.requests.length).toBe(before);
  });

  it('upstream CORS headers are dropped', async () => {
    h.tasks.handler = (_req, res) => {
      res.writeHead(200, { 'access-control-allow-origin': '*', 'content-type': 'text/plain' });
      res.end('ok');
    };
    try {
      const res = await fetch(`${h.url}/api/tasks`, {
        headers: { ...auth(), origin: 'https://evil.example.com' },
      });
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      h.tasks.handler = undefined;
    }
  });
});

describe('security headers', () => {
  it('are set on proxied responses and errors; X-Powered-By is absent', async () => {
    for (const res of [
      await fetch(`${h.url}/api/tasks`, { headers: auth() }),
      await fetch(`${h.url}/api/tasks`),
    ]) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
  });
});

describe('request bodies', () => {
  it('Content-Length over 1 MB → 413 before proxying', async () => {
    const before = h.tasks.requests.length;
    const res = await rawRequest(
      h.url,
      'POST',
      '/api/tasks',
      { ...auth(), 'content-type': 'application/json', 'content-length': String(1024 * 1024 + 1) },
      '{}',
    );
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({ status: 413 });
    expect(h.tasks.requests.length).toBe(before);
  });

  it('a chunked body growing past 1 MB → 413 before proxying', async () => {
    const before = h.tasks.requests.length;
    const res = await rawRequest(
      h.url,
      'POST',
      '/api/tasks',
      { ...auth(), 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' },
      Buffer.alloc(1024 * 1024 + 10, 'a'),
    );
    expect(res.status).toBe(413);
    expect(h.tasks.requests.length).toBe(before);
  });

  it('passes bodies up to the limit unchanged, whatever their type', async () => {
    const body = Buffer.alloc(512 * 1024, 'b');
    const res = await rawRequest(
      h.url,
      'PUT',
      '/api/tasks/1',
      { ...auth(), 'content-type': 'text/plain' },
      body,
    );
    expect(res.status).toBe(200);
    const seen = JSON.parse(res.body) as { body: string; headers: Record<string, string> };
    expect(seen.body.length).toBe(body.length);
    expect(seen.headers['content-type']).toBe('text/plain');
  });
});

describe('OpenAPI', () => {
  it('is public and lists the routes of the specs', async () => {
    const res = await fetch(`${h.url}/api/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { security: unknown[] }>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/api/auth/login']?.post?.security).toEqual([]);
    expect(doc.paths['/api/tasks/{id}']?.get?.security).toEqual([{ bearerAuth: [] }]);
  });
});

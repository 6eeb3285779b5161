import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createAccessTokenVerifier,
  createLogger,
  createRouteBinder,
  createServiceApp,
  createServiceMetrics,
  defineRoute,
  type HttpServerHandle,
  listen,
  Readiness,
} from '../../src/index.js';

const logLines: string[] = [];
const sink = new Writable({
  write(chunk, _enc, cb) {
    logLines.push(String(chunk));
    cb();
  },
});

const echoRoute = defineRoute({
  operationId: 'echo',
  method: 'post',
  path: '/echo/:id',
  summary: 'echo',
  tags: ['test'],
  auth: 'public',
  params: z.object({ id: z.string().regex(/^\d+$/) }),
  body: z.object({ name: z.string().max(10), nested: z.unknown().optional() }).strict(),
  responses: { 200: { description: 'ok' } },
});

let handle: HttpServerHandle;
let base: string;
const readiness = new Readiness();
let depOk = true;

beforeAll(async () => {
  const logger = createLogger({ level: 'info', destination: sink });
  const metrics = createServiceMetrics();
  readiness.add('dep', async () => {
    if (!depOk) throw new Error('dep down');
  });
  const { app, router } = createServiceApp({ service: 'test', logger, metrics, readiness });
  const binder = createRouteBinder(
    createAccessTokenVerifier({
      keys: async () => {
        throw new Error('no keys');
      },
      issuer: 'x',
      audience: 'x',
    }),
  );
  binder.bind(router, echoRoute, ({ body, params }) => ({
    body: { ...body, id: params.id, proto: Object.getPrototypeOf(body) === Object.prototype },
  }));
  router.get('/boom', () => {
    throw new Error('secret internals');
  });
  handle = await listen(app, 0, '127.0.0.1');
  base = `http://127.0.0.1:${handle.port}`;
});

afterAll(async () => {
  await handle.close();
});

const post = (
  path: string,
  body: string,
  headers: Record<string, string> = { 'content-type': 'application/json' },
) => fetch(`${base}${path}`, { method: 'POST', body, headers });

async function expectProblem(res: Response, status: number): Promise<Record<string, unknown>> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = (await res.json()) as Record<string, unknown>;
  expect(body.status).toBe(status);
  expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+|secret internals/);
  return body;
}

describe('service app', () => {
  it('validates and answers a good request, with security headers and a request id', async () => {
    const res = await post('/echo/42', JSON.stringify({ name: 'ada' }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ name: 'ada', id: '42', proto: true });
    expect(res.headers.get('x-powered-by')).toBeNull();
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('keeps a well-formed incoming request id and replaces a malformed one', async () => {
    const kept = await fetch(`${base}/healthz`, { headers: { 'x-request-id': 'abc-123-def-456' } });
    expect(kept.headers.get('x-request-id')).toBe('abc-123-def-456');
    const replaced = await fetch(`${base}/healthz`, { headers: { 'x-request-id': 'bad id\twith spaces' } });
    expect(replaced.headers.get('x-request-id')).not.toContain('bad');
  });

  it('rejects malformed JSON with 400', async () => {
    await expectProblem(await post('/echo/1', '{"name":'), 400);
  });

  it('rejects a wrong content type with 415', async () => {
    await expectProblem(
      await post('/echo/1', 'name=x', { 'content-type': 'application/x-www-form-urlencoded' }),
      415,
    );
  });

  it('rejects a body over the limit with 413', async () => {
    await expectProblem(await post('/echo/1', JSON.stringify({ name: 'x'.repeat(200_000) })), 413);
  });

  it('rejects unknown fields and invalid params with 400 and names the field', async () => {
    const body = await expectProblem(
      await post('/echo/1', JSON.stringify({ name: 'a', role: 'admin' })),
      400,
    );
    expect(String(body.detail)).toContain('role');
    await expectProblem(await post('/echo/abc', JSON.stringify({ name: 'a' })), 400);
  });

  it('rejects deeply nested JSON with 400 and strips prototype-pollution keys', async () => {
    const deep = `${'{"a":'.repeat(100)}1${'}'.repeat(100)}`;
    await expectProblem(await post('/echo/1', `{"name":"a","nested":${deep}}`), 400);
    const res = await post('/echo/1', '{"name":"a","nested":{"__proto__":{"polluted":true}}}');
    expect(res.status).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('answers unknown routes with 404 problem+json', async () => {
    await expectProblem(await fetch(`${base}/nope`), 404);
  });

  it('turns unexpected errors into a 500 without internals', async () => {
    await expectProblem(await fetch(`${base}/boom`), 500);
  });

  it('reports readiness from its checks', async () => {
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    depOk = false;
    const body = await expectProblem(await fetch(`${base}/readyz`), 503);
    expect(body.checks).toMatchObject({ dep: { ok: false } });
    depOk = true;
  });

  it('exports request durations labelled by route template, never the raw path', async () => {
    await post('/echo/777', JSON.stringify({ name: 'x' }));
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(
      /http_request_duration_seconds_count\{service="test",method="POST",route="\/echo\/:id",status_code="200"\}/,
    );
    expect(text).not.toContain('/echo/777');
    expect(text).toContain('process_cpu_seconds_total');
  });

  it('redacts credentials in logs', async () => {
    await fetch(`${base}/healthz`, { headers: { authorization: 'Bearer super-secret-token' } });
    const logger = createLogger({ level: 'info', destination: sink });
    logger.info({ req: { headers: { authorization: 'Bearer abc' } }, body: { password: 'hunter2' } }, 'x');
    const all = logLines.join('');
    expect(all).not.toContain('hunter2');
    expect(all).not.toContain('Bearer abc');
    expect(all).toContain('[redacted]');
  });
});

// The gateway serves the built dashboard: files with the right caching, the SPA fallback for
// client routes, never in place of the API, a strict CSP, and a clear 404 when it is not built.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../src/web/static.js';
import { type Harness, startHarness } from '../support/harness.js';

const INDEX =
  '<!doctype html><title>ELWOSA</title><script type="module" src="/assets/app-abc123.js"></script>';

describe('web dashboard at /', () => {
  let dir: string;
  let h: Harness;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'elwosa-web-'));
    await mkdir(path.join(dir, 'assets'));
    await writeFile(path.join(dir, 'index.html'), INDEX);
    await writeFile(path.join(dir, 'assets', 'app-abc123.js'), 'console.log(1);');
    await writeFile(path.join(dir, 'sw.js'), 'self.addEventListener("fetch", () => {});');
    await writeFile(path.join(dir, 'manifest.webmanifest'), '{"name":"ELWOSA"}');
    h = await startHarness({ gateway: { webDistDir: dir } });
  });
  afterAll(async () => {
    await h?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves index.html at / without caching, with the strict CSP', async () => {
    const res = await fetch(`${h.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe');
    expect(await res.text()).toBe(INDEX);
  });

  it('caches hashed assets for a year and revalidates the rest', async () => {
    const asset = await fetch(`${h.url}/assets/app-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const sw = await fetch(`${h.url}/sw.js`);
    expect(sw.status).toBe(200);
    expect(sw.headers.get('cache-control')).toBe('no-cache');
    const head = await fetch(`${h.url}/manifest.webmanifest`, { method: 'HEAD' });
    expect(head.status).toBe(200);
  });

  it('answers browser navigations to client routes with index.html (SPA fallback)', async () => {
    const accept = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
    for (const route of ['/tasks', '/tasks/board', '/admin/analytics', '/Chat/123']) {
      const res = await fetch(`${h.url}${route}`, { headers: { accept } });
      expect(res.status, route).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toBe(INDEX);
    }
  });

  it('answers other clients with the 404 problem for unknown paths', async () => {
    const res = await fetch(`${h.url}/nothing/here`, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
  });

  it('404s a missing file instead of falling back', async () => {
    const res = await fetch(`${h.url}/assets/missing-000.js`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
  });

  it('never shadows the API, the socket, health or well-known paths', async () => {
    const openapi = await fetch(`${h.url}/api/openapi.json`);
    expect(openapi.headers.get('content-type')).toMatch(/application\/json/);
    expect(((await openapi.json()) as { openapi: string }).openapi).toMatch(/^3\./);
    for (const p of ['/api/nothing-here', '/API/unknown', '/v1/none', '/.well-known/other', '/internal/x']) {
      const res = await fetch(`${h.url}${p}`);
      expect(res.status, p).not.toBe(200);
      expect(res.headers.get('content-type'), p).toMatch(/problem\+json/);
    }
    expect((await fetch(`${h.url}/ws`)).status).toBe(426);
    expect(await (await fetch(`${h.url}/healthz`)).json()).toMatchObject({ status: 'ok' });
  });

  it('does not serve files outside the dist folder or for other methods', async () => {
    const res = await fetch(`${h.url}/..%2f..%2fetc/passwd`);
    expect(res.status).toBe(400);
    const post = await fetch(`${h.url}/`, { method: 'POST' });
    expect(post.status).toBe(404);
  });

  it('does not count page loads against the API rate limit', async () => {
    const res = await fetch(`${h.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('ratelimit')).toBeNull();
  });
});

describe('web dashboard not built', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ gateway: { webDistDir: path.join(tmpdir(), 'elwosa-no-such-dist') } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('answers / with a 404 problem saying the UI is not built', async () => {
    const res = await fetch(`${h.url}/`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    const body = (await res.json()) as { detail: string };
    expect(body.detail).toMatch(/web UI is not built/);
    expect(body.detail).toContain('ELWOSA_WEB_DIST');
  });

  it('still answers the API', async () => {
    expect((await fetch(`${h.url}/api/openapi.json`)).status).toBe(200);
  });
});

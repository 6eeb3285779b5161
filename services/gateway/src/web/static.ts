// Serves the web dashboard (services/web, built with Vite) at `/`: files from the dist folder,
// hashed assets with a year of immutable caching, everything else (`index.html`, the service
// worker, the manifest, icons) revalidated on every use, and the SPA fallback — a browser
// navigation (Accept: text/html) to a path without a file extension gets `index.html`, so client
// routes survive a reload, while API clients still get the 404 problem. It never answers anything
// the gateway routes or reserves (`/api`, `/v1`, `/ws`, `/.well-known`, health and metrics):
// those fall through to the proxy or to the 404 problem. Mounted before the rate limit, so page
// loads do not spend the API budget. Every answer carries the dashboard's strict CSP.
import { statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { problems } from '@elwosa/runtime';
import type { RequestHandler, Response } from 'express';
import { normalizePath, splitTarget } from '../routing/normalize-path.js';
import { matchRoute } from '../routing/route-table.js';

/** The environment variable naming the built dashboard's folder. */
export const WEB_DIST_ENV = 'ELWOSA_WEB_DIST';

/** `services/web/dist`, found from this module in `src/web` and in `dist/web` alike. */
export const DEFAULT_WEB_DIST = fileURLToPath(new URL('../../../web/dist', import.meta.url));

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self' ws: wss:",
  "manifest-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';
/** Path prefixes that belong to the API and operations, never to the dashboard. */
const RESERVED_PREFIXES = [
  '/api',
  '/v1',
  '/ws',
  '/.well-known',
  '/internal',
  '/healthz',
  '/readyz',
  '/metrics',
];
/** How long a missing or present dist folder is believed before looking again. */
const PRESENCE_TTL_MS = 2_000;

export function webDistDir(env: Readonly<Record<string, string | undefined>>): string {
  const configured = env[WEB_DIST_ENV]?.trim();
  return configured ? path.resolve(configured) : DEFAULT_WEB_DIST;
}

const isReserved = (lowerPath: string) =>
  RESERVED_PREFIXES.some((p) => lowerPath === p || lowerPath.startsWith(`${p}/`));

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function send(res: Response, file: string, cacheControl: string): Promise<void> {
  res.set('Cache-Control', cacheControl);
  return new Promise((resolve, reject) => {
    res.sendFile(file, { cacheControl: false, dotfiles: 'deny', lastModified: true }, (err) =>
      err ? reject(err) : resolve(),
    );
  });
}

export interface WebStaticOptions {
  distDir: string;
  now?: () => number;
}

export function createWebStatic(options: WebStaticOptions): RequestHandler {
  const root = path.resolve(options.distDir);
  const indexFile = path.join(root, 'index.html');
  const now = options.now ?? Date.now;
  let built = { value: false, checkedAt: Number.NEGATIVE_INFINITY };
  const isBuilt = () => {
    if (now() - built.checkedAt > PRESENCE_TTL_MS) built = { value: isFile(indexFile), checkedAt: now() };
    return built.value;
  };

  return async (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const normalized = normalizePath(splitTarget(req.url).path);
    if (!normalized.ok) return next();
    const urlPath = normalized.path;
    if (isReserved(urlPath.toLowerCase()) || matchRoute(urlPath).kind !== 'none') return next();

    res.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    if (!isBuilt()) {
      throw problems.notFound(
        `the web UI is not built: run \`make build\` (or \`npm run build -w services/web\`); the gateway serves it from ${root} (${WEB_DIST_ENV})`,
      );
    }
    const file = path.join(root, urlPath);
    if (file.startsWith(`${root}${path.sep}`) && isFile(file)) {
      await send(res, file, urlPath.startsWith('/assets/') ? IMMUTABLE : REVALIDATE);
      return;
    }
    // A missing file (it has an extension) is a 404; a page a browser asks for is a client route.
    const wantsPage = urlPath === '/' || (req.headers.accept ?? '').includes('text/html');
    if (path.extname(urlPath) !== '' || !wantsPage) throw problems.notFound(`no route for GET ${urlPath}`);
    await send(res, indexFile, REVALIDATE);
  };
}

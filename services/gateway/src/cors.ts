// CORS with an allow-list (config.corsOrigins). Credentials are allowed, so the allowed origin
// is echoed and never `*` (a `*` in the list is ignored with a warning); a disallowed origin
// gets no Access-Control-Allow-Origin at all. Preflights are answered here and end the request.
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';

export const CORS_ALLOWED_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE';
export const CORS_ALLOWED_HEADERS =
  'Authorization, Content-Type, If-Match, If-None-Match, Idempotency-Key, X-Request-Id, traceparent, tracestate';
export const CORS_EXPOSED_HEADERS =
  'RateLimit, RateLimit-Policy, Retry-After, X-Request-Id, ETag, Location, WWW-Authenticate';
const PREFLIGHT_MAX_AGE_SECONDS = 600;

export type CorsDecision =
  | { kind: 'none' }
  | { kind: 'denied' }
  | { kind: 'allowed'; preflight: boolean; headers: Record<string, string> };

/** Normalised allow-list; `*` and malformed entries are dropped. */
export function corsAllowList(origins: readonly string[], logger?: Logger): Set<string> {
  const allowed = new Set<string>();
  for (const origin of origins) {
    if (origin === '*') {
      logger?.warn('ELWOSA_CORS_ORIGINS contains *; ignored (credentials are never combined with *)');
      continue;
    }
    try {
      allowed.add(new URL(origin).origin);
    } catch {
      logger?.warn({ origin }, 'ignoring a malformed CORS origin');
    }
  }
  return allowed;
}

export function corsDecision(
  allowList: ReadonlySet<string>,
  method: string,
  origin: string | undefined,
  requestedMethod: string | undefined,
): CorsDecision {
  if (origin === undefined) return { kind: 'none' };
  if (!allowList.has(origin)) return { kind: 'denied' };
  const headers: Record<string, string> = {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Credentials': 'true',
  };
  const preflight = method === 'OPTIONS' && requestedMethod !== undefined;
  if (preflight) {
    headers['Access-Control-Allow-Methods'] = CORS_ALLOWED_METHODS;
    headers['Access-Control-Allow-Headers'] = CORS_ALLOWED_HEADERS;
    headers['Access-Control-Max-Age'] = String(PREFLIGHT_MAX_AGE_SECONDS);
  } else {
    headers['Access-Control-Expose-Headers'] = CORS_EXPOSED_HEADERS;
  }
  return { kind: 'allowed', preflight, headers };
}

export function corsMiddleware(allowList: ReadonlySet<string>): RequestHandler {
  return (req, res, next) => {
    const decision = corsDecision(
      allowList,
      req.method,
      req.headers.origin,
      req.headers['access-control-request-method'],
    );
    // The answer depends on Origin whenever there is an allow-list: caches must key on it.
    if (allowList.size > 0) res.vary('Origin');
    const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
    if (decision.kind === 'allowed') res.set(decision.headers);
    if (preflight && decision.kind !== 'none') {
      res.status(204).end();
      return;
    }
    next();
  };
}

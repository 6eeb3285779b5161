// CORS with an allow-list (config.corsOrigins). Credentials are allowed, so the allowed origin
// is echoed and never `*` (a `*` in the list is ignored with a warning); a disallowed origin
// gets no Access-Control-Allow-Origin at all. Preflights are answered here and end the request.
import type { IncomingMessage, ServerResponse } from 'node:http';
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

/** Adds `value` to the response's Vary header unless it is already listed. */
export function appendVary(res: ServerResponse, value: string): void {
  const current = res.getHeader('Vary');
  const listed = current === undefined ? '' : String(current);
  if (listed.split(',').some((v) => v.trim().toLowerCase() === value.toLowerCase() || v.trim() === '*'))
    return;
  res.setHeader('Vary', listed ? `${listed}, ${value}` : value);
}

/**
 * Sets the CORS headers of `req`'s response; answers a preflight (204, with `answerHeaders`) and
 * returns true when it did, so the caller stops there.
 */
export function applyCors(
  allowList: ReadonlySet<string>,
  req: IncomingMessage,
  res: ServerResponse,
  answerHeaders?: ReadonlyMap<string, string>,
): boolean {
  const requestedMethod = req.headers['access-control-request-method'];
  const decision = corsDecision(allowList, req.method ?? 'GET', req.headers.origin, requestedMethod);
  // The answer depends on Origin whenever there is an allow-list: caches must key on it.
  if (allowList.size > 0) appendVary(res, 'Origin');
  if (decision.kind === 'allowed') res.setHeaders(new Map(Object.entries(decision.headers)));
  const preflight = req.method === 'OPTIONS' && requestedMethod !== undefined;
  if (preflight && decision.kind !== 'none') {
    if (answerHeaders) res.setHeaders(answerHeaders as Map<string, string>);
    res.statusCode = 204;
    res.end();
    return true;
  }
  return false;
}

export function corsMiddleware(allowList: ReadonlySet<string>): RequestHandler {
  return (req, res, next) => {
    if (!applyCors(allowList, req, res)) next();
  };
}

// What every HTTP request gets, however it is handled (the express app of a service, or the
// gateway's proxy path that bypasses express): its request id (a well-formed X-Request-Id is
// kept, otherwise a new one; returned in the response), a trace context continuing the caller's
// traceparent, and, when the response has finished, one access-log line and one
// http_request_duration_seconds observation under the route template (never the raw path).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { ServiceMetrics } from '../observability/metrics.js';
import { contextFromHeaders } from '../observability/trace-context.js';
import { REQUEST_ID_HEADER, resolveRequestId } from './request-id.js';

/** Paths whose access lines are logged at debug: probes and scrapes would drown the log. */
export const OPERATIONAL_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);

export interface RequestEnvelopeOptions {
  service: string;
  logger: Logger;
  metrics: ServiceMetrics;
}

export interface OpenedRequest {
  id: string;
  /** The trace context of this hop (the caller's trace id, a new span id). */
  context: Context;
}

/** Opens a request; `routeOf` names its route template once the response has finished. */
export type RequestEnvelope = (
  req: IncomingMessage,
  res: ServerResponse,
  routeOf: () => string,
) => OpenedRequest;

/** Label sets are few (method × route template × status); their histogram children are kept. */
const MAX_CACHED_LABEL_SETS = 1000;

export function createRequestEnvelope(options: RequestEnvelopeOptions): RequestEnvelope {
  const { service, logger, metrics } = options;
  const observers = new Map<string, { observe(seconds: number): void }>();
  const observerFor = (method: string, route: string, status: number) => {
    const key = `${method} ${status} ${route}`;
    let observer = observers.get(key);
    if (!observer) {
      observer = metrics.httpDuration.labels({ service, method, route, status_code: String(status) });
      if (observers.size < MAX_CACHED_LABEL_SETS) observers.set(key, observer);
    }
    return observer;
  };
  return (req, res, routeOf) => {
    const started = process.hrtime.bigint();
    const id = resolveRequestId(req.headers[REQUEST_ID_HEADER]);
    res.setHeader('X-Request-Id', id);
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeOf();
      const method = req.method ?? 'GET';
      const status = res.statusCode;
      observerFor(method, route, status).observe(seconds);
      const entry = { reqId: id, method, route, status, ms: Math.round(seconds * 1e4) / 10 };
      if (OPERATIONAL_PATHS.has(route)) logger.debug(entry, 'request');
      else logger.info(entry, 'request');
    });
    return { id, context: contextFromHeaders(req.headers) };
  };
}

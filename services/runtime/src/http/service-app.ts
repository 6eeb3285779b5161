// The express app every service is built on: request id and trace context, access log,
// metrics, security headers, health endpoints, body limits and problem+json errors.
import './express-request.js';
import { context } from '@opentelemetry/api';
import express, { type ErrorRequestHandler, type Express, type RequestHandler, Router } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type { Readiness } from '../lifecycle/readiness.js';
import type { ServiceMetrics } from '../observability/metrics.js';
import { contextFromHeaders } from '../observability/trace-context.js';
import { HttpProblem, PROBLEM_CONTENT_TYPE, problems } from './problem.js';
import { REQUEST_ID_HEADER, resolveRequestId } from './request-id.js';
import { sanitizeJson } from './safe-json.js';

/** Maps a dependency error (database, cache …) to a problem, or returns undefined. */
export type ErrorMapper = (err: unknown) => HttpProblem | undefined;

export interface ServiceAppOptions {
  service: string;
  logger: Logger;
  metrics: ServiceMetrics;
  readiness: Readiness;
  errorMappers?: ErrorMapper[];
  bodyLimit?: string;
  /** Number of trusted reverse-proxy hops in front of this service (X-Forwarded-For). */
  trustProxyHops?: number;
  /** Express middleware installed before the routes (e.g. CORS at the gateway). */
  before?: RequestHandler[];
  /** Serve /healthz, /readyz, /metrics (true for every service). */
  healthEndpoints?: boolean;
}

export interface ServiceApp {
  app: Express;
  /** Where the service mounts its routes. */
  router: Router;
}

const OPERATIONAL_PATHS = new Set(['/healthz', '/readyz', '/metrics']);
const JSON_TYPES = ['application/json', 'application/*+json'];

function routeTemplate(req: express.Request): string {
  const route = req.route as { path?: unknown } | undefined;
  if (route && typeof route.path === 'string') return `${req.baseUrl}${route.path}`;
  return OPERATIONAL_PATHS.has(req.path) ? req.path : '<unmatched>';
}

function hasBody(req: express.Request): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return length !== '0';
  return req.headers['transfer-encoding'] !== undefined;
}

function bodyParserProblem(err: { type?: string; status?: number }): HttpProblem | undefined {
  switch (err.type) {
    case 'entity.too.large':
      return problems.payloadTooLarge();
    case 'entity.parse.failed':
      return problems.badRequest('malformed JSON body');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return problems.unsupportedMediaType('unsupported content encoding or charset');
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return problems.badRequest('incomplete request body');
    default:
      return undefined;
  }
}

export function sendProblem(
  res: express.Response,
  problem: HttpProblem,
  requestId?: string,
  instance?: string,
): void {
  res.status(problem.status);
  res.set(problem.headers);
  res.type(PROBLEM_CONTENT_TYPE);
  res.send(JSON.stringify(problem.toBody(requestId, instance)));
}

export function createServiceApp(options: ServiceAppOptions): ServiceApp {
  const { service, logger, metrics, readiness } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxyHops ?? 0);
  app.set('etag', false);

  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    req.id = resolveRequestId(req.headers[REQUEST_ID_HEADER]);
    req.log = logger.child({ reqId: req.id });
    res.setHeader('X-Request-Id', req.id);
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeTemplate(req);
      metrics.httpDuration.observe(
        { service, method: req.method, route, status_code: String(res.statusCode) },
        seconds,
      );
      const entry = { method: req.method, route, status: res.statusCode, ms: Math.round(seconds * 1e4) / 10 };
      if (OPERATIONAL_PATHS.has(req.path)) req.log.debug(entry, 'request');
      else req.log.info(entry, 'request');
    });
    context.with(contextFromHeaders(req.headers), next);
  });

  app.use(
    helmet({
      contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
      crossOriginResourcePolicy: { policy: 'same-origin' },
    }),
  );

  if (options.healthEndpoints !== false) {
    app.get('/healthz', (_req, res) => {
      res.json({ status: 'ok', service });
    });
    app.get('/readyz', async (req, res) => {
      const report = await readiness.evaluate();
      if (report.ready) {
        res.json({ status: 'ready', service, checks: report.checks });
        return;
      }
      const detail = report.draining ? 'draining' : 'a dependency is not ready';
      sendProblem(res, new HttpProblem(503, detail, { extensions: { checks: report.checks } }), req.id);
    });
    app.get('/metrics', async (_req, res) => {
      res.type(metrics.registry.contentType);
      res.send(await metrics.registry.metrics());
    });
  }

  for (const middleware of options.before ?? []) app.use(middleware);

  app.use((req, _res, next) => {
    if (hasBody(req) && !req.is(JSON_TYPES)) {
      next(problems.unsupportedMediaType());
      return;
    }
    next();
  });
  app.use(express.json({ limit: options.bodyLimit ?? '100kb', type: JSON_TYPES, strict: true }));
  app.use((req, _res, next) => {
    if (req.body !== undefined && !sanitizeJson(req.body)) {
      next(problems.badRequest('JSON body nests too deeply'));
      return;
    }
    next();
  });

  const router = Router();
  app.use(router);

  app.use((req, _res, next) => {
    next(problems.notFound(`no route for ${req.method} ${req.path}`));
  });

  const errorHandler: ErrorRequestHandler = (err: unknown, req, res, _next) => {
    let problem: HttpProblem | undefined;
    if (err instanceof HttpProblem) problem = err;
    else if (err && typeof err === 'object' && 'type' in err)
      problem = bodyParserProblem(err as { type?: string });
    for (const map of options.errorMappers ?? []) {
      if (problem) break;
      problem = map(err);
    }
    if (!problem) {
      req.log.error({ err }, 'unhandled error');
      problem = new HttpProblem(500, 'internal error');
    } else if (problem.status >= 500) {
      req.log.warn(
        { err: err instanceof Error ? err.message : err, status: problem.status },
        'request failed',
      );
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendProblem(res, problem, req.id);
  };
  app.use(errorHandler);

  return { app, router };
}

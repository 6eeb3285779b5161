// The express app every service is built on: request id and trace context, access log,
// metrics, security headers, health endpoints, body limits and problem+json errors.
import './express-request.js';
import { context } from '@opentelemetry/api';
import express, { type ErrorRequestHandler, type Express, type RequestHandler, Router } from 'express';
import type { Logger } from 'pino';
import type { Readiness } from '../lifecycle/readiness.js';
import type { ServiceMetrics } from '../observability/metrics.js';
import { type ErrorMapper, HttpProblem, problemForError, problems, writeProblem } from './problem.js';
import { hasBody } from './request-body.js';
import { createRequestEnvelope, OPERATIONAL_PATHS, type RequestEnvelope } from './request-envelope.js';
import { sanitizeJson } from './safe-json.js';
import { applySecurityHeaders } from './security-headers.js';

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
  /** Request id, trace context, access log and metrics; for handlers that bypass express. */
  envelope: RequestEnvelope;
}

const JSON_TYPES = ['application/json', 'application/*+json'];

function routeTemplate(req: express.Request): string {
  const route = req.route as { path?: unknown } | undefined;
  if (route && typeof route.path === 'string') return `${req.baseUrl}${route.path}`;
  return OPERATIONAL_PATHS.has(req.path) ? req.path : '<unmatched>';
}

/** body-parser's errors (they carry a `type`) as the problem each means. */
const mapBodyParserError: ErrorMapper = (err) => {
  if (!err || typeof err !== 'object' || !('type' in err)) return undefined;
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
};

export function createServiceApp(options: ServiceAppOptions): ServiceApp {
  const { service, logger, metrics, readiness } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxyHops ?? 0);
  app.set('etag', false);

  const envelope = createRequestEnvelope({ service, logger, metrics });
  // req.log, a child logger carrying the request id, is made on first use: most requests never
  // log anything but their access line.
  const childLoggers = new WeakMap<express.Request, Logger>();
  Object.defineProperty(app.request, 'log', {
    configurable: true,
    get(this: express.Request): Logger {
      let child = childLoggers.get(this);
      if (!child) {
        child = logger.child({ reqId: this.id });
        childLoggers.set(this, child);
      }
      return child;
    },
  });

  app.use((req, res, next) => {
    const opened = envelope(req, res, () => routeTemplate(req));
    req.id = opened.id;
    applySecurityHeaders(res);
    context.with(opened.context, next);
  });

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
      writeProblem(res, new HttpProblem(503, detail, { extensions: { checks: report.checks } }), req.id);
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

  const mappers: ErrorMapper[] = [mapBodyParserError, ...(options.errorMappers ?? [])];
  const errorHandler: ErrorRequestHandler = (err: unknown, req, res, _next) => {
    const problem = problemForError(err, mappers, req.log);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    writeProblem(res, problem, req.id);
  };
  app.use(errorHandler);

  return { app, router, envelope };
}

// Hosts one service: its logger, metrics, readiness, express app, token verifier and HTTP
// server, wired into the process lifecycle (drain → stop → close).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Express, RequestHandler, Router } from 'express';
import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import type { Logger } from 'pino';
import { CacheUnavailableError } from '../cache/errors.js';
import type { Target } from '../config/targets.js';
import { createRouteBinder, type RouteBinder } from '../http/bind-route.js';
import { type ErrorMapper, problems } from '../http/problem.js';
import type { RequestEnvelope } from '../http/request-envelope.js';
import { createServiceApp } from '../http/service-app.js';
import type { AccessTokenVerifier, SessionCheck } from '../identity/access-token.js';
import { type ApiKeyVerifier, createApiKeyVerifier } from '../identity/api-key.js';
import { createCachedTokenVerifier, withLiveSession } from '../identity/caching-verifier.js';
import { createSessionCheck } from '../identity/session-check.js';
import { type HttpServerHandle, listen } from '../lifecycle/http-server.js';
import { Readiness } from '../lifecycle/readiness.js';
import { createServiceMetrics, type ServiceMetrics } from '../observability/metrics.js';
import type { PlatformDeps, RunningService } from './platform-deps.js';

export const mapCacheUnavailable: ErrorMapper = (err) =>
  err instanceof CacheUnavailableError ? problems.unavailable('cache unavailable') : undefined;

export interface ServiceHostOptions {
  target: Target;
  deps: PlatformDeps;
  errorMappers?: ErrorMapper[];
  /** Token keys; defaults to the auth service's JWKS (JWT_JWKS_URL or the auth service URL). */
  tokenKeys?: JWTVerifyGetKey;
  bodyLimit?: string;
  /** Middleware mounted before the JSON body parser (the gateway's proxy needs raw bodies). */
  before?: RequestHandler[];
}

/**
 * Sees every request before express does; calls `toExpress` for those it does not answer itself
 * (the gateway's proxy path, where express's per-request work is a large share of the cost).
 */
export type FrontHandler = (req: IncomingMessage, res: ServerResponse, toExpress: () => void) => void;

export interface ServiceHost {
  target: Target;
  logger: Logger;
  metrics: ServiceMetrics;
  readiness: Readiness;
  app: Express;
  router: Router;
  /** Request id, trace context, access log and metrics for requests handled outside express. */
  envelope: RequestEnvelope;
  binder: RouteBinder;
  /** The access token (cached signature and claims check) and then the live session. */
  verifier: AccessTokenVerifier;
  /** The access token only, for callers that run the session check themselves. */
  tokenVerifier: AccessTokenVerifier;
  /** The live-session check inside the verifier, for connections that outlive a request. */
  sessionCheck: SessionCheck;
  /** Resolves personal API keys (routes with `apiKeys: true`). */
  apiKeyVerifier: ApiKeyVerifier;
  /** Starts listening on the target's port and registers the shutdown hooks. */
  start(options?: { front?: FrontHandler }): Promise<RunningService & { server: HttpServerHandle }>;
}

export function jwksUrlFor(deps: PlatformDeps): string {
  return deps.config.jwt.jwksUrl ?? `${deps.config.serviceUrls.auth}/.well-known/jwks.json`;
}

export function createServiceHost(options: ServiceHostOptions): ServiceHost {
  const { target, deps } = options;
  const logger = deps.logger.child({ service: target });
  const metrics = createServiceMetrics();
  const readiness = new Readiness().add('cache', async () => {
    await deps.cache.ping();
  });
  const { app, router, envelope } = createServiceApp({
    service: target,
    logger,
    metrics,
    readiness,
    errorMappers: [mapCacheUnavailable, ...(options.errorMappers ?? [])],
    // Services sit behind the gateway: one more trusted hop than the gateway itself.
    trustProxyHops: target === 'gateway' ? deps.config.trustProxyHops : deps.config.trustProxyHops + 1,
    ...(options.bodyLimit ? { bodyLimit: options.bodyLimit } : {}),
    ...(options.before ? { before: options.before } : {}),
  });
  const sessionCheck = createSessionCheck({ cache: deps.cache, authUrl: deps.config.serviceUrls.auth });
  const tokenVerifier = createCachedTokenVerifier({
    keys:
      options.tokenKeys ??
      createRemoteJWKSet(new URL(jwksUrlFor(deps)), { timeoutDuration: 2000, cooldownDuration: 5000 }),
    issuer: deps.config.jwt.issuer,
    audience: deps.config.jwt.audience,
  });
  const verifier = withLiveSession(tokenVerifier, sessionCheck);
  const apiKeyVerifier = createApiKeyVerifier({ cache: deps.cache, authUrl: deps.config.serviceUrls.auth });
  const binder = createRouteBinder(verifier, apiKeyVerifier);
  return {
    target,
    logger,
    metrics,
    readiness,
    app,
    router,
    envelope,
    binder,
    verifier,
    tokenVerifier,
    sessionCheck,
    apiKeyVerifier,
    async start(startOptions = {}) {
      const port = deps.config.ports[target];
      const { front } = startOptions;
      const server = await listen(front ? (req, res) => front(req, res, () => app(req, res)) : app, port);
      deps.lifecycle.on('drain', () => readiness.startDraining());
      deps.lifecycle.on('stop', () => server.close(deps.lifecycle.graceMs - 1000));
      logger.info({ port: server.port }, 'listening');
      return { target, port: server.port, readiness, server };
    },
  };
}

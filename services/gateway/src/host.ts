// The gateway's service host. It is `createServiceHost` (runtime service/service-host.ts) with
// two differences: middleware mounted *before* the JSON body parser (`before` of
// createServiceApp), which the proxy needs to see raw bodies, and the caching token verifier
// (identity/caching-verifier.ts). When the runtime host accepts `before` and a verifier, this
// file reduces to a call of createServiceHost.
import {
  type AccessTokenVerifier,
  createServiceApp,
  createServiceMetrics,
  createSessionCheck,
  type HttpServerHandle,
  jwksUrlFor,
  listen,
  mapCacheUnavailable,
  type PlatformDeps,
  Readiness,
  type RunningService,
  type ServiceMetrics,
  type SessionCheck,
} from '@elwosa/runtime';
import type { Express, RequestHandler } from 'express';
import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import type { Logger } from 'pino';
import { createCachingVerifier } from './identity/caching-verifier.js';

export interface GatewayHostOptions {
  deps: PlatformDeps;
  /** Token keys; defaults to the auth service's JWKS. */
  tokenKeys?: JWTVerifyGetKey;
  /** Installed before the body parsers; may refer to the host's parts through the closure. */
  before: RequestHandler[];
}

export interface GatewayHost {
  logger: Logger;
  metrics: ServiceMetrics;
  readiness: Readiness;
  app: Express;
  verifier: AccessTokenVerifier;
  /** The live-session check inside the verifier, for connections that outlive a request. */
  sessionCheck: SessionCheck;
  start(): Promise<RunningService & { server: HttpServerHandle }>;
}

export function createGatewayHost(options: GatewayHostOptions): GatewayHost {
  const { deps } = options;
  const target = 'gateway';
  const logger = deps.logger.child({ service: target });
  const metrics = createServiceMetrics();
  const readiness = new Readiness().add('cache', async () => {
    await deps.cache.ping();
  });
  const { app } = createServiceApp({
    service: target,
    logger,
    metrics,
    readiness,
    errorMappers: [mapCacheUnavailable],
    trustProxyHops: deps.config.trustProxyHops,
    before: options.before,
  });
  const sessionCheck = createSessionCheck({ cache: deps.cache, authUrl: deps.config.serviceUrls.auth });
  const verifier = createCachingVerifier({
    keys:
      options.tokenKeys ??
      createRemoteJWKSet(new URL(jwksUrlFor(deps)), { timeoutDuration: 2000, cooldownDuration: 5000 }),
    issuer: deps.config.jwt.issuer,
    audience: deps.config.jwt.audience,
    sessionCheck,
  });
  return {
    logger,
    metrics,
    readiness,
    app,
    verifier,
    sessionCheck,
    async start() {
      const server = await listen(app, deps.config.ports[target]);
      deps.lifecycle.on('drain', () => readiness.startDraining());
      deps.lifecycle.on('stop', () => server.close(deps.lifecycle.graceMs - 1000));
      logger.info({ port: server.port }, 'listening');
      return { target, port: server.port, readiness, server };
    },
  };
}

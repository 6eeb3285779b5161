// startGateway: the gateway target (port 8080). Composes the host (health, metrics, request id,
// helmet, problem+json errors), the proxied requests' path in front of express
// (upstream-handler.ts), CORS, the dashboard and the gateway's own routes behind it
// (own-routes.ts), the WebSocket endpoint, and wires them into the process lifecycle.
import type { HttpServerHandle, PlatformDeps, RouteSpec, RunningService } from '@elwosa/runtime';
import { buildOpenApiDocument, createServiceHost } from '@elwosa/runtime';
import type { RequestHandler } from 'express';
import type { JWTVerifyGetKey } from 'jose';
import { corsAllowList, corsMiddleware } from './cors.js';
import { createAdmission } from './identity/admission.js';
import { createLiveMetrics } from './live/live-metrics.js';
import { replayUserEvents, userEventLogTip } from './live/replay.js';
import { createUserEventRelay } from './live/user-event-relay.js';
import { createGatewayMetrics } from './metrics.js';
import { createOwnRoutesHandler } from './own-routes.js';
import { MAX_BODY_BYTES } from './proxy/body.js';
import { type BreakerSettings, DEFAULT_BREAKER_SETTINGS } from './proxy/breakers.js';
import { createProxy } from './proxy/proxy.js';
import type { UpstreamTimeouts } from './proxy/upstream-client.js';
import { clientAddress } from './ratelimit/client-address.js';
import { createRateLimiter } from './ratelimit/limiter.js';
import { createRateLimitStep } from './ratelimit/rate-limit-step.js';
import { compileApiKeyRoutes, compilePublicRoutes } from './routing/public-routes.js';
import { createUpstreamHandler } from './upstream-handler.js';
import { createWebStatic, webDistDir } from './web/static.js';
import { ConnectionRegistry } from './ws/hub.js';
import { DEFAULT_HEARTBEAT_MS } from './ws/protocol.js';
import { createUpgradeHandler } from './ws/upgrade.js';

export interface GatewayOptions {
  /** The route specs of every service: public operations pass without a token; the OpenAPI document. */
  routeSpecs: readonly RouteSpec[];
  /** Token keys; defaults to the auth service's JWKS (JWT_JWKS_URL or the auth service URL). */
  tokenKeys?: JWTVerifyGetKey;
  /** WebSocket ping interval (default 30 s). */
  heartbeatMs?: number;
  timeouts?: Partial<UpstreamTimeouts>;
  breaker?: Partial<BreakerSettings>;
  maxBodyBytes?: number;
  /** The built web dashboard served at `/` (default: ELWOSA_WEB_DIST or services/web/dist). */
  webDistDir?: string;
}

export interface RunningGateway extends RunningService {
  server: HttpServerHandle;
  /** Open WebSocket connections per user; the user-events relay delivers through it. */
  hub: ConnectionRegistry;
}

export const DEFAULT_TIMEOUTS: UpstreamTimeouts = { connectTimeoutMs: 2_000, responseTimeoutMs: 30_000 };
export const RATE_LIMIT_WINDOW_MS = 60_000;

export async function startGateway(deps: PlatformDeps, options: GatewayOptions): Promise<RunningGateway> {
  const { config } = deps;
  // The own-routes handler needs the host's verifiers, so it is built after the host; the host's
  // `before` list reaches it through this closure.
  let ownRoutes: RequestHandler | undefined;
  const allowedOrigins = corsAllowList(config.corsOrigins, deps.logger);
  const host = createServiceHost({
    target: 'gateway',
    deps,
    ...(options.tokenKeys ? { tokenKeys: options.tokenKeys } : {}),
    before: [
      corsMiddleware(allowedOrigins),
      createWebStatic({ distDir: options.webDistDir ?? webDistDir(deps.env) }),
      (req, res, next) => ownRoutes!(req, res, next),
    ],
  });
  const metrics = createGatewayMetrics(host.metrics.registry);
  const limiter = createRateLimiter({
    cache: deps.cache,
    limit: config.rateLimitPerMinute,
    windowMs: RATE_LIMIT_WINDOW_MS,
    logger: host.logger,
  });
  const rateLimit = createRateLimitStep(limiter, metrics);
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const proxy = createProxy({
    serviceUrls: config.serviceUrls,
    timeouts: { ...DEFAULT_TIMEOUTS, ...options.timeouts },
    breaker: { ...DEFAULT_BREAKER_SETTINGS, ...options.breaker },
    maxBodyBytes,
    metrics,
  });
  const admit = createAdmission({
    tokenVerifier: host.tokenVerifier,
    sessionCheck: host.sessionCheck,
    apiKeyVerifier: host.apiKeyVerifier,
    rateLimit,
  });
  ownRoutes = createOwnRoutesHandler({
    admit,
    openApiJson: JSON.stringify(
      buildOpenApiDocument({ title: 'ELWOSA API', version: '0.1.0' }, options.routeSpecs),
    ),
  });
  const upstreamHandler = createUpstreamHandler({
    envelope: host.envelope,
    admit,
    isPublic: compilePublicRoutes(options.routeSpecs),
    acceptsApiKeys: compileApiKeyRoutes(options.routeSpecs),
    proxy,
    corsAllowList: allowedOrigins,
    trustProxyHops: config.trustProxyHops,
    maxBodyBytes,
    logger: host.logger,
  });
  const hub = new ConnectionRegistry();
  const liveMetrics = createLiveMetrics(host.metrics.registry);
  const relay = createUserEventRelay({ cache: deps.cache, hub, metrics: liveMetrics, logger: host.logger });
  const upgrades = createUpgradeHandler({
    admit,
    sessionCheck: host.sessionCheck,
    hub,
    metrics,
    liveMetrics,
    replay: (userId, lastSeq) => replayUserEvents(deps.cache, userId, lastSeq),
    listen: relay.listen,
    logTip: (userId) => userEventLogTip(deps.cache, userId),
    logger: host.logger,
    heartbeatMs: options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
    clientIp: (req) =>
      clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], config.trustProxyHops),
    isDraining: () => host.readiness.draining,
  });

  const running = await host.start({ front: upstreamHandler });
  running.server.server.on('upgrade', upgrades.handle);
  deps.lifecycle.on('stop', () => upgrades.shutdown(Math.max(1000, deps.lifecycle.graceMs / 2)));
  deps.lifecycle.on('close', async () => {
    await Promise.all([proxy.close(), limiter.close(), relay.stop()]);
  });
  return { ...running, hub };
}

// Every request the routing table sends upstream, handled on node's request and response
// directly, before express: the proxy path is the gateway's hot path, and express's per-request
// work (router, prototype swaps, a dozen helmet setters) cost as much as the rest of the hop.
// What express gave these requests is kept, from the same runtime code: request id, trace
// context, access log and http_request_duration_seconds (the request envelope), helmet's
// security headers (on the gateway's own answers; a proxied answer carries the service's, and
// any the service left out are added by the proxy), problem+json errors. Everything else (the
// gateway's own routes, the dashboard, health and metrics, unknown paths) goes on to express.
//
// Per request: normalise the path, route it, CORS, admission (token, live session and rate
// limit; identity/admission.ts), the body-size check, then the proxy with the trusted identity.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  applySecurityHeaders,
  bearerToken,
  type ErrorMapper,
  type FrontHandler,
  isApiKey,
  mapCacheUnavailable,
  problemForError,
  type RequestEnvelope,
  SECURITY_HEADERS,
  writeProblem,
} from '@elwosa/runtime';
import type { Logger } from 'pino';
import { applyCors } from './cors.js';
import type { Admit } from './identity/admission.js';
import { trustedIdentityHeaders } from './identity/identity-headers.js';
import { checkDeclaredLength } from './proxy/body.js';
import type { ReverseProxy } from './proxy/proxy.js';
import { clientAddress, clientProtocol } from './ratelimit/client-address.js';
import { normalizePath, splitTarget } from './routing/normalize-path.js';
import type { PublicRouteMatcher } from './routing/public-routes.js';
import { matchRoute, type UpstreamRoute } from './routing/route-table.js';

const ERROR_MAPPERS: readonly ErrorMapper[] = [mapCacheUnavailable];

export interface UpstreamHandlerOptions {
  envelope: RequestEnvelope;
  admit: Admit;
  isPublic: PublicRouteMatcher;
  acceptsApiKeys: PublicRouteMatcher;
  proxy: ReverseProxy;
  corsAllowList: ReadonlySet<string>;
  trustProxyHops: number;
  maxBodyBytes: number;
  logger: Logger;
}

export function createUpstreamHandler(options: UpstreamHandlerOptions): FrontHandler {
  const { envelope, logger } = options;

  async function forward(
    req: IncomingMessage,
    res: ServerResponse,
    route: UpstreamRoute,
    path: string,
    query: string,
    requestId: string,
    trace: Parameters<ReverseProxy['forward']>[2]['trace'],
  ): Promise<void> {
    if (applyCors(options.corsAllowList, req, res, SECURITY_HEADERS)) return;
    const method = req.method ?? 'GET';
    const authorization = req.headers.authorization;
    const needsToken = !route.alwaysPublic && !options.isPublic(method, path);
    const credential = !needsToken
      ? 'none'
      : isApiKey(bearerToken(authorization)) && options.acceptsApiKeys(method, path)
        ? 'api-key'
        : 'token';
    const clientIp = clientAddress(
      req.socket.remoteAddress,
      req.headers['x-forwarded-for'],
      options.trustProxyHops,
    );
    const admission = await options.admit({ authorization, credential, ip: clientIp });
    for (const [name, value] of Object.entries(admission.headers)) res.setHeader(name, value);
    if (admission.problem) throw admission.problem;
    try {
      checkDeclaredLength(req, options.maxBodyBytes);
    } catch (err) {
      res.setHeader('Connection', 'close');
      throw err;
    }
    await options.proxy.forward(req, res, {
      target: route.target,
      pathAndQuery: `${path}${query}`,
      identityHeaders: admission.identity ? trustedIdentityHeaders(admission.identity) : {},
      clientIp: clientIp ?? 'unknown',
      protocol: clientProtocol(
        'encrypted' in req.socket && req.socket.encrypted === true,
        req.headers['x-forwarded-proto'],
        options.trustProxyHops,
      ),
      requestId,
      trace,
    });
  }

  function fail(res: ServerResponse, err: unknown, requestId: string): void {
    const problem = problemForError(err, ERROR_MAPPERS, logger.child({ reqId: requestId }));
    if (res.headersSent) {
      res.destroy();
      return;
    }
    applySecurityHeaders(res);
    writeProblem(res, problem, requestId);
  }

  return (req, res, toExpress) => {
    const { path: rawPath, query } = splitTarget(req.url ?? '/');
    const normalized = normalizePath(rawPath);
    const match = normalized.ok ? matchRoute(normalized.path) : undefined;
    if (!normalized.ok || match?.kind !== 'upstream') {
      toExpress();
      return;
    }
    const template = `${match.route.prefix}/*`;
    const opened = envelope(req, res, () => template);
    forward(req, res, match.route, normalized.path, query, opened.id, opened.context).catch((err: unknown) =>
      fail(res, err, opened.id),
    );
  };
}

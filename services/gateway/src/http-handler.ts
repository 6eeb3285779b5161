// What the gateway does with every HTTP request that is not its own /healthz, /readyz or
// /metrics: normalise the path, route it, authenticate unless the route is public, count it
// against the rate limit, then answer it (OpenAPI document) or proxy it upstream with the
// trusted identity. Mounted before the body parsers, so the proxy sees the raw body.
import {
  type AccessTokenVerifier,
  type ApiKeyVerifier,
  bearerToken,
  HttpProblem,
  isApiKey,
  problems,
} from '@elwosa/runtime';
import type { Request, RequestHandler, Response } from 'express';
import { authenticate } from './identity/authenticate.js';
import { trustedIdentityHeaders } from './identity/identity-headers.js';
import { checkDeclaredLength } from './proxy/body.js';
import type { ReverseProxy } from './proxy/proxy.js';
import type { RateLimitStep } from './ratelimit/rate-limit-step.js';
import { normalizePath, splitTarget } from './routing/normalize-path.js';
import type { PublicRouteMatcher } from './routing/public-routes.js';
import { type GatewayRouteName, matchRoute } from './routing/route-table.js';

export interface GatewayHandlerOptions {
  verifier: AccessTokenVerifier;
  apiKeyVerifier: ApiKeyVerifier;
  isPublic: PublicRouteMatcher;
  acceptsApiKeys: PublicRouteMatcher;
  rateLimit: RateLimitStep;
  proxy: ReverseProxy;
  maxBodyBytes: number;
  /** The serialised OpenAPI document. */
  openApiJson: string;
}

export function createGatewayHandler(options: GatewayHandlerOptions): RequestHandler {
  const answerOwnRoute = (name: GatewayRouteName, req: Request, res: Response) => {
    if (name === 'ws') {
      throw new HttpProblem(426, 'use a WebSocket upgrade', {
        title: 'Upgrade Required',
        headers: { Upgrade: 'websocket', Connection: 'Upgrade' },
      });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      throw new HttpProblem(405, 'only GET', { headers: { Allow: 'GET, HEAD' } });
    }
    res.type('application/json').send(options.openApiJson);
  };

  return async (req, res, next) => {
    const { path: rawPath, query } = splitTarget(req.url);
    const normalized = normalizePath(rawPath);
    if (!normalized.ok) throw problems.badRequest(normalized.reason);
    const path = normalized.path;
    const match = matchRoute(path);

    const needsToken =
      match.kind === 'upstream' && !match.route.alwaysPublic && !options.isPublic(req.method, path);
    const useApiKey =
      needsToken &&
      isApiKey(bearerToken(req.headers.authorization)) &&
      options.acceptsApiKeys(req.method, path);
    const auth = needsToken
      ? await authenticate(useApiKey ? options.apiKeyVerifier : options.verifier, req.headers.authorization)
      : undefined;
    const limit = await options.rateLimit(auth?.identity?.userId, req.ip);
    res.set(limit.headers);
    if (limit.problem) throw limit.problem;
    if (auth?.problem) throw auth.problem;

    switch (match.kind) {
      case 'none':
      case 'blocked':
        next();
        return;
      case 'gateway':
        answerOwnRoute(match.name, req, res);
        return;
      case 'upstream': {
        try {
          checkDeclaredLength(req, options.maxBodyBytes);
        } catch (err) {
          res.set('Connection', 'close');
          throw err;
        }
        // The route template for the access log and http_request_duration_seconds.
        req.route = { path: `${match.route.prefix}/*` };
        const identityHeaders = auth?.identity ? trustedIdentityHeaders(auth.identity) : {};
        await options.proxy.forward(req, res, match.route.target, `${path}${query}`, identityHeaders);
        return;
      }
    }
  };
}

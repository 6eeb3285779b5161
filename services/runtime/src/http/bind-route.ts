// Binds a route spec and its handler to an express router: authentication, permission check,
// input validation (400 with the issues), and the reply.
import './express-request.js';
import type { Request, Response, Router } from 'express';
import type { z } from 'zod';
import { type AccessTokenVerifier, bearerToken } from '../identity/access-token.js';
import { type ApiKeyVerifier, isApiKey } from '../identity/api-key.js';
import type { Identity } from '../identity/identity.js';
import { hasPermission } from '../identity/permissions.js';
import { type HttpProblem, problems } from './problem.js';
import type { InferOr, RouteSpec } from './route-spec.js';

export interface RouteContext<B, Q, P, I> {
  body: B;
  query: Q;
  params: P;
  identity: I;
  req: Request;
  res: Response;
}

/** What a handler returns: a JSON reply, or nothing when it wrote the response itself. */
export interface Reply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type RouteHandler<S extends RouteSpec> = (
  ctx: RouteContext<
    InferOr<S['body'], undefined>,
    InferOr<S['query'], Record<string, never>>,
    InferOr<S['params'], Record<string, never>>,
    S['auth'] extends 'public' ? Identity | undefined : Identity
  >,
) => Promise<Reply | undefined> | Reply | undefined;

export function validationProblem(error: z.ZodError, where: string): HttpProblem {
  const errors = error.issues.map((issue) => ({
    in: where,
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  const first = errors[0];
  return problems.badRequest(
    first ? `invalid ${where}: ${first.path || '(root)'}: ${first.message}` : `invalid ${where}`,
    errors,
  );
}

function parse<T extends z.ZodType | undefined>(schema: T, value: unknown, where: string): unknown {
  if (!schema) return where === 'body' ? undefined : {};
  const result = schema.safeParse(value);
  if (!result.success) throw validationProblem(result.error, where);
  return result.data;
}

export interface RouteBinder {
  bind<S extends RouteSpec>(router: Router, spec: S, handler: RouteHandler<S>): void;
  /** Authenticates a request outside a route spec (access tokens, or API keys when allowed). */
  authenticate(req: Request, allowApiKeys?: boolean): Promise<Identity>;
}

export function createRouteBinder(
  verifier: AccessTokenVerifier,
  apiKeyVerifier?: ApiKeyVerifier,
): RouteBinder {
  const authenticate = async (req: Request, allowApiKeys = false): Promise<Identity> => {
    const authorization = req.headers.authorization;
    if (allowApiKeys && apiKeyVerifier && isApiKey(bearerToken(authorization)))
      return apiKeyVerifier(authorization);
    return verifier(authorization);
  };
  return {
    authenticate,
    bind(router, spec, handler) {
      router[spec.method](spec.path, async (req: Request, res: Response) => {
        let identity: Identity | undefined;
        if (spec.auth !== 'public') {
          identity = await authenticate(req, spec.apiKeys === true);
          req.identity = identity;
          if (typeof spec.auth === 'object' && !hasPermission(identity.permissions, spec.auth.permission)) {
            throw problems.forbidden(`missing permission ${spec.auth.permission}`);
          }
        }
        const params = parse(spec.params, req.params, 'path');
        const query = parse(spec.query, req.query, 'query');
        if (spec.body && (req.body === undefined || req.body === null)) {
          throw problems.badRequest('a JSON request body is required');
        }
        const body = parse(spec.body, req.body, 'body');
        const reply = await handler({ body, query, params, identity, req, res } as never);
        if (res.headersSent || !reply) return;
        if (reply.headers) res.set(reply.headers);
        res.status(reply.status ?? 200);
        if (reply.body === undefined) res.end();
        else res.json(reply.body);
      });
    },
  };
}

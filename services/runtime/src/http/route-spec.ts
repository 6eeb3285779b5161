// A route is described once as data: method, path, auth, and the zod schemas of its input and
// output. The same description validates requests and generates the OpenAPI document.
import type { z } from 'zod';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export type RouteAuth = 'public' | 'authenticated' | { permission: string };

export interface RouteResponse {
  description: string;
  schema?: z.ZodType;
}

export interface RouteSpec<
  B extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  P extends z.ZodType = z.ZodType,
> {
  operationId: string;
  method: HttpMethod;
  /** Express path syntax (`/api/tasks/:id`). */
  path: string;
  summary: string;
  tags: string[];
  auth: RouteAuth;
  /** Also accept personal API keys (`Bearer elw_…`) besides access tokens (scripts, OpenAI clients). */
  apiKeys?: boolean;
  body?: B;
  query?: Q;
  params?: P;
  /** Extra request headers worth documenting (If-Match, Idempotency-Key …). */
  headers?: Record<string, { description: string; required?: boolean }>;
  responses: Record<number, RouteResponse>;
}

/** Identity function that keeps the literal types of a route spec. */
export function defineRoute<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType>(
  spec: RouteSpec<B, Q, P>,
): RouteSpec<B, Q, P> {
  return spec;
}

/** The parsed type of an optional schema slot of a route spec, or `Fallback` when it is absent. */
export type InferOr<T, Fallback> = [Exclude<T, undefined>] extends [never]
  ? Fallback
  : Exclude<T, undefined> extends z.ZodType
    ? z.output<Exclude<T, undefined>>
    : Fallback;

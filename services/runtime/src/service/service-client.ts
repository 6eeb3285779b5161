// Calls between services go over HTTP with the caller's identity (its bearer token) — never
// by reading another service's tables (ARCHITECTURE §2). Failures become problems: the
// upstream's own problem passes through, an unreachable one is 503.
import { context } from '@opentelemetry/api';
import { HttpProblem, problems } from '../http/problem.js';
import { injectTraceHeaders } from '../observability/trace-context.js';

export interface ServiceCallOptions {
  authorization?: string;
  requestId?: string;
  body?: unknown;
  timeoutMs?: number;
}

export interface ServiceResponse<T> {
  status: number;
  body: T;
  headers: Headers;
}

export interface ServiceClient {
  call<T = unknown>(method: string, path: string, options?: ServiceCallOptions): Promise<ServiceResponse<T>>;
}

export function createServiceClient(baseUrl: string, defaults: { timeoutMs?: number } = {}): ServiceClient {
  return {
    async call<T>(
      method: string,
      path: string,
      options: ServiceCallOptions = {},
    ): Promise<ServiceResponse<T>> {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (options.authorization) headers.authorization = options.authorization;
      if (options.requestId) headers['x-request-id'] = options.requestId;
      if (options.body !== undefined) headers['content-type'] = 'application/json';
      injectTraceHeaders(headers, context.active());
      let res: Response;
      try {
        res = await fetch(`${baseUrl}${path}`, {
          method,
          headers,
          ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
          signal: AbortSignal.timeout(options.timeoutMs ?? defaults.timeoutMs ?? 10_000),
        });
      } catch {
        throw problems.unavailable(`upstream ${new URL(baseUrl).host} unavailable`);
      }
      const text = await res.text();
      const body = (text ? JSON.parse(text) : undefined) as T;
      if (res.status >= 400) {
        const detail = (body as { detail?: unknown } | undefined)?.detail;
        throw new HttpProblem(
          res.status >= 500 ? 503 : res.status,
          typeof detail === 'string' ? detail : undefined,
        );
      }
      return { status: res.status, body, headers: res.headers };
    },
  };
}

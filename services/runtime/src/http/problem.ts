// RFC 9457 problem details. Every error a service returns is one of these, with `status`
// equal to the HTTP status, and never a stack trace.
import type { ServerResponse } from 'node:http';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  requestId?: string;
  [extension: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function statusTitle(status: number): string {
  return TITLES[status] ?? 'Error';
}

/** An error that becomes a problem+json response. */
export class HttpProblem extends Error {
  readonly status: number;
  readonly title: string;
  readonly type: string;
  readonly extensions: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    detail?: string,
    options: {
      type?: string;
      title?: string;
      extensions?: Record<string, unknown>;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(detail ?? statusTitle(status));
    this.name = 'HttpProblem';
    this.status = status;
    this.title = options.title ?? statusTitle(status);
    this.type = options.type ?? 'about:blank';
    this.extensions = options.extensions ?? {};
    this.headers = options.headers ?? {};
  }

  toBody(requestId?: string, instance?: string): ProblemBody {
    return {
      ...this.extensions,
      type: this.type,
      title: this.title,
      status: this.status,
      detail: this.message,
      ...(instance ? { instance } : {}),
      ...(requestId ? { requestId } : {}),
    };
  }
}

export const problems = {
  badRequest: (detail: string, errors?: unknown[]) =>
    new HttpProblem(400, detail, errors ? { extensions: { errors } } : {}),
  unauthorized: (detail = 'authentication required') =>
    new HttpProblem(401, detail, { headers: { 'WWW-Authenticate': 'Bearer' } }),
  forbidden: (detail = 'not allowed') => new HttpProblem(403, detail),
  notFound: (detail = 'not found') => new HttpProblem(404, detail),
  conflict: (detail: string) => new HttpProblem(409, detail),
  preconditionFailed: (detail = 'the resource changed; reload and retry') => new HttpProblem(412, detail),
  preconditionRequired: (detail = 'If-Match is required') => new HttpProblem(428, detail),
  payloadTooLarge: (detail = 'request body too large') => new HttpProblem(413, detail),
  unsupportedMediaType: (detail = 'content type must be application/json') => new HttpProblem(415, detail),
  tooManyRequests: (retryAfterSeconds: number, detail = 'too many requests') =>
    new HttpProblem(429, detail, {
      headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
    }),
  unavailable: (detail = 'a dependency is unavailable; retry shortly', retryAfterSeconds = 1) =>
    new HttpProblem(503, detail, { headers: { 'Retry-After': String(retryAfterSeconds) } }),
};

/** Answers with `problem` as the whole response (a raw node response; express apps use it too). */
export function writeProblem(
  res: ServerResponse,
  problem: HttpProblem,
  requestId?: string,
  instance?: string,
): void {
  const body = JSON.stringify(problem.toBody(requestId, instance));
  res.statusCode = problem.status;
  for (const [name, value] of Object.entries(problem.headers)) res.setHeader(name, value);
  res.setHeader('Content-Type', `${PROBLEM_CONTENT_TYPE}; charset=utf-8`);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

/** Maps a dependency error (database, cache …) to a problem, or returns undefined. */
export type ErrorMapper = (err: unknown) => HttpProblem | undefined;

/** Where problemForError reports what it resolved (a pino logger fits). */
export interface ProblemLog {
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/**
 * The problem a failed request is answered with: an HttpProblem as it is, else the first
 * mapper's, else a 500 (logged at error, with the error). Server-side failures (5xx) that did
 * map are logged at warn.
 */
export function problemForError(err: unknown, mappers: readonly ErrorMapper[], log: ProblemLog): HttpProblem {
  let problem = err instanceof HttpProblem ? err : undefined;
  for (const map of mappers) {
    if (problem) break;
    problem = map(err);
  }
  if (!problem) {
    log.error({ err }, 'unhandled error');
    return new HttpProblem(500, 'internal error');
  }
  if (problem.status >= 500) {
    log.warn({ err: err instanceof Error ? err.message : err, status: problem.status }, 'request failed');
  }
  return problem;
}

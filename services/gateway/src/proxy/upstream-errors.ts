// Why an upstream call failed, and what the client is told.
import { HttpProblem } from '@elwosa/runtime';

/** connect: no connection was made (safe to retry); reset: the connection broke after the request was sent. */
export type UpstreamFailure = 'connect' | 'timeout' | 'reset' | 'aborted';

export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
  constructor(
    readonly failure: UpstreamFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** No connection was made: the request never reached the upstream. */
const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Classifies an error of an undici request (the code may sit on the error or on its cause). */
export function classifyUndiciError(err: unknown): UpstreamFailure {
  const codes = [errorCode(err), errorCode((err as { cause?: unknown } | undefined)?.cause)];
  if (codes.some((c) => c !== undefined && CONNECT_CODES.has(c))) return 'connect';
  if (codes.some((c) => c !== undefined && TIMEOUT_CODES.has(c))) return 'timeout';
  if (codes.includes('UND_ERR_ABORTED') || (err instanceof Error && err.name === 'AbortError'))
    return 'aborted';
  return 'reset';
}

export function upstreamProblem(err: UpstreamError): HttpProblem {
  switch (err.failure) {
    case 'timeout':
      return new HttpProblem(504, 'the upstream service did not answer in time');
    case 'aborted':
      return new HttpProblem(499, 'the client closed the request', { title: 'Client Closed Request' });
    default:
      return new HttpProblem(502, 'the upstream service is unreachable', { headers: { 'Retry-After': '1' } });
  }
}

export function breakerOpenProblem(retryAfterSeconds: number): HttpProblem {
  return new HttpProblem(503, 'the upstream service is failing; retry shortly', {
    headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
  });
}

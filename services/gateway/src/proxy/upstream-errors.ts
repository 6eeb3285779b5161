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

const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
]);

/**
 * Classifies a socket error. A reset of a reused keep-alive socket before any response byte is
 * the upstream closing an idle connection as we wrote to it: the request was not processed, so
 * it counts as a connect error (Node's documented case for a retry).
 */
export function classifySocketError(err: NodeJS.ErrnoException, reusedSocket: boolean): UpstreamFailure {
  if (err.code && CONNECT_CODES.has(err.code)) return 'connect';
  if (reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) return 'connect';
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

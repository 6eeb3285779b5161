// The HTTP transport both provider clients use: undici's fetch over one keep-alive dispatcher
// (connect timeout there), with the call's AbortSignal merged into whatever signal the client
// library passes itself — so a client disconnect, an explicit stop or a bridge timeout closes
// the upstream socket even for requests the library does not make abortable (ollama-js's
// non-streaming calls).
import { Agent, type Dispatcher, fetch as undiciFetch } from 'undici';
import { ProviderError } from '../domain/types.js';

export type FetchLike = typeof globalThis.fetch;

export function createDispatcher(connectTimeoutMs: number): Dispatcher {
  return new Agent({
    connections: 256,
    keepAliveTimeout: 30_000,
    // Streams can pause for a long time; the bridge's own idle timeout decides.
    bodyTimeout: 0,
    headersTimeout: 0,
    connect: { timeout: connectTimeoutMs },
  });
}

export function fetchWithSignal(dispatcher: Dispatcher, signal: AbortSignal): FetchLike {
  return ((input: string | URL, init: RequestInit = {}) =>
    undiciFetch(input, {
      ...(init as object),
      signal: init.signal ? AbortSignal.any([init.signal, signal]) : signal,
      dispatcher,
    })) as unknown as FetchLike;
}

/** The error to throw once `signal` fired: its ProviderError reason, or a plain abort. */
export function abortError(signal: AbortSignal): ProviderError {
  return signal.reason instanceof ProviderError
    ? signal.reason
    : new ProviderError('aborted', 'the request was aborted');
}

const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

/** True for a transport failure (refused, reset, broken socket, connect timeout). */
export function isTransportError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (CONNECT_CODES.has(code) || code === 'UND_ERR_CONNECT_TIMEOUT'))
      return true;
    if (e instanceof TypeError && /fetch failed|terminated/.test(e.message)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

export function parseRetryAfter(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - Date.now()) / 1000);
}

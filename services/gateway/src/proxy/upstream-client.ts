// One HTTP exchange with an upstream over a keep-alive agent, up to the response headers: a
// connect timeout (new sockets only), a response timeout (until the headers arrive), client
// aborts passed on, and failures classified (upstream-errors.ts). Idempotent requests are
// retried once on a connect error, never after the request may have been processed.
import http, { type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { classifySocketError, UpstreamError } from './upstream-errors.js';

export interface UpstreamCall {
  /** The upstream's name (breaker and metric label). */
  upstream: string;
  url: URL;
  method: string;
  headers: OutgoingHttpHeaders;
  body: Buffer | undefined;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
}

export interface UpstreamTimeouts {
  connectTimeoutMs: number;
  responseTimeoutMs: number;
}

export const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

export function sendOnce(
  call: UpstreamCall,
  agent: http.Agent,
  timeouts: UpstreamTimeouts,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = http.request(call.url, { method: call.method, headers: call.headers, agent });
    let settled = false;
    let connectTimer: NodeJS.Timeout | undefined;
    const cleanup = () => {
      settled = true;
      clearTimeout(connectTimer);
      clearTimeout(responseTimer);
      call.signal.removeEventListener('abort', onAbort);
    };
    const fail = (err: UpstreamError) => {
      if (settled) return;
      cleanup();
      req.destroy();
      reject(err);
    };
    const responseTimer = setTimeout(
      () => fail(new UpstreamError('timeout', `no response within ${timeouts.responseTimeoutMs} ms`)),
      timeouts.responseTimeoutMs,
    );
    const onAbort = () => fail(new UpstreamError('aborted', 'the client went away'));
    if (call.signal.aborted) {
      onAbort();
      return;
    }
    call.signal.addEventListener('abort', onAbort, { once: true });
    req.on('socket', (socket) => {
      if (!socket.connecting) return;
      connectTimer = setTimeout(
        () => fail(new UpstreamError('connect', `no connection within ${timeouts.connectTimeoutMs} ms`)),
        timeouts.connectTimeoutMs,
      );
      socket.once('connect', () => clearTimeout(connectTimer));
    });
    req.on('response', (res) => {
      if (settled) {
        res.destroy();
        return;
      }
      cleanup();
      resolve(res);
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      fail(new UpstreamError(classifySocketError(err, req.reusedSocket), err.message, { cause: err }));
    });
    req.end(call.body);
  });
}

export async function sendWithRetry(
  call: UpstreamCall,
  agent: http.Agent,
  timeouts: UpstreamTimeouts,
  onRetry?: () => void,
): Promise<IncomingMessage> {
  try {
    return await sendOnce(call, agent, timeouts);
  } catch (err) {
    const retryable =
      err instanceof UpstreamError && err.failure === 'connect' && IDEMPOTENT_METHODS.has(call.method);
    if (!retryable || call.signal.aborted) throw err;
    onRetry?.();
    return sendOnce(call, agent, timeouts);
  }
}

// The reverse proxy: forwards a request to its upstream over a keep-alive dispatcher
// (SERVICES-NOTES: without keep-alive, throughput collapses), through the upstream's circuit
// breaker, and streams the response back. Failures become problem+json: 502 unreachable, 504 timeout,
// 503 breaker open; a client that goes away aborts the upstream call.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpProblem, injectTraceHeaders, SECURITY_HEADERS, type Target } from '@elwosa/runtime';
import type { Context } from '@opentelemetry/api';
import { BREAKER_STATE_VALUE, type GatewayMetrics } from '../metrics.js';
import { readBody } from './body.js';
import { BreakerOpenError, type BreakerSettings, UpstreamBreakers } from './breakers.js';
import { downstreamResponseHeaders, upstreamRequestHeaders } from './headers.js';
import {
  createUpstreamDispatcher,
  sendWithRetry,
  type UpstreamCall,
  type UpstreamResponse,
  type UpstreamTimeouts,
} from './upstream-client.js';
import { breakerOpenProblem, UpstreamError, upstreamProblem } from './upstream-errors.js';

/** The security headers every answer carries, in the lower case of upstream response headers. */
const REQUIRED_HEADERS: ReadonlyMap<string, string> = new Map(
  [...SECURITY_HEADERS].map(([name, value]) => [name.toLowerCase(), value]),
);

export interface ProxyOptions {
  serviceUrls: Readonly<Record<Target, string>>;
  timeouts: UpstreamTimeouts;
  breaker: BreakerSettings;
  maxBodyBytes: number;
  metrics: GatewayMetrics;
}

/** Where and how a request goes upstream. */
export interface ForwardTarget {
  target: Target;
  /** The normalised path and the query string. */
  pathAndQuery: string;
  /** Headers the gateway vouches for (the trusted identity). */
  identityHeaders: Record<string, string>;
  /** The client address and scheme, resolved with the trusted proxy hops. */
  clientIp: string;
  protocol: string;
  requestId: string;
  /** The trace context of this hop, passed upstream as traceparent. */
  trace: Context;
}

export interface ReverseProxy {
  /** Forwards `req` upstream and streams the answer into `res`. */
  forward(req: IncomingMessage, res: ServerResponse, to: ForwardTarget): Promise<void>;
  close(): Promise<void>;
}

export function createProxy(options: ProxyOptions): ReverseProxy {
  const { metrics, timeouts } = options;
  const dispatcher = createUpstreamDispatcher(timeouts);
  const breakers = new UpstreamBreakers(
    (call) => sendWithRetry(call, dispatcher, () => metrics.upstreamRetries.inc({ upstream: call.upstream })),
    options.breaker,
    (upstream, state) => metrics.breakerState.set({ upstream }, BREAKER_STATE_VALUE[state]),
  );

  async function exchange(target: Target, call: UpstreamCall): Promise<UpstreamResponse | undefined> {
    try {
      return await breakers.fire(call);
    } catch (err) {
      if (err instanceof BreakerOpenError) {
        metrics.upstreamErrors.inc({ upstream: target, kind: 'breaker_open' });
        throw breakerOpenProblem(breakers.resetTimeoutMs / 1000);
      }
      if (!(err instanceof UpstreamError)) throw err;
      if (err.failure === 'aborted') return undefined;
      metrics.upstreamErrors.inc({ upstream: target, kind: err.failure });
      throw upstreamProblem(err);
    }
  }

  return {
    async forward(req, res, to) {
      const { target } = to;
      const body = await readBody(req, options.maxBodyBytes);
      const abort = new AbortController();
      res.once('close', () => {
        if (!res.writableFinished) abort.abort();
      });
      const extra: Record<string, string> = {};
      injectTraceHeaders(extra, to.trace);
      Object.assign(extra, to.identityHeaders);
      const headers = upstreamRequestHeaders(req.headers, {
        clientIp: to.clientIp,
        protocol: to.protocol,
        host: req.headers.host,
        requestId: to.requestId,
        extra,
      });
      if (body !== undefined) headers['content-length'] = String(body.length);
      const method = req.method ?? 'GET';
      const call: UpstreamCall = {
        upstream: target,
        url: new URL(`${options.serviceUrls[target]}${to.pathAndQuery}`),
        method,
        headers,
        body,
        signal: abort.signal,
      };
      const started = process.hrtime.bigint();
      const upstreamRes = await exchange(target, call);
      if (!upstreamRes) return;
      const status = upstreamRes.statusCode;
      metrics.upstreamDuration.observe(
        { upstream: target, method, status_code: String(status) },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
      try {
        res.writeHead(
          status,
          downstreamResponseHeaders(upstreamRes.headers, res.getHeader('Vary'), REQUIRED_HEADERS),
        );
      } catch {
        // A header node refuses to send (an invalid character): 502, and the body is not read, so
        // the upstream call is aborted rather than left to its body timeout.
        upstreamRes.body.discard();
        metrics.upstreamErrors.inc({ upstream: target, kind: 'invalid_response' });
        throw new HttpProblem(502, 'the upstream service sent an invalid response');
      }
      await upstreamRes.body.pipeTo(res);
    },
    async close() {
      breakers.shutdown();
      await dispatcher.close();
    },
  };
}

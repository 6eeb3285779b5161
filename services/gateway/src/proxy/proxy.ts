// The reverse proxy: forwards a request to its upstream over a keep-alive dispatcher
// (SERVICES-NOTES: without keep-alive, throughput collapses), through the upstream's circuit
// breaker, and streams the response back. Failures become problem+json: 502 unreachable, 504 timeout,
// 503 breaker open; a client that goes away aborts the upstream call.
import { injectTraceHeaders, type Target } from '@elwosa/runtime';
import type { Request, Response } from 'express';
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

export interface ProxyOptions {
  serviceUrls: Readonly<Record<Target, string>>;
  timeouts: UpstreamTimeouts;
  breaker: BreakerSettings;
  maxBodyBytes: number;
  metrics: GatewayMetrics;
}

export interface ReverseProxy {
  /** Forwards `req` to `target` at `pathAndQuery` with `extraHeaders` (trusted identity) added. */
  forward(
    req: Request,
    res: Response,
    target: Target,
    pathAndQuery: string,
    extraHeaders: Record<string, string>,
  ): Promise<void>;
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
    async forward(req, res, target, pathAndQuery, extraHeaders) {
      const body = await readBody(req, options.maxBodyBytes);
      const abort = new AbortController();
      res.once('close', () => {
        if (!res.writableFinished) abort.abort();
      });
      const trace: Record<string, string> = {};
      injectTraceHeaders(trace);
      const headers = upstreamRequestHeaders(req.headers, {
        clientIp: req.ip ?? req.socket.remoteAddress ?? 'unknown',
        protocol: req.protocol,
        host: req.headers.host,
        requestId: req.id,
        extra: { ...trace, ...extraHeaders },
      });
      if (body !== undefined) headers['content-length'] = String(body.length);
      const call: UpstreamCall = {
        upstream: target,
        url: new URL(`${options.serviceUrls[target]}${pathAndQuery}`),
        method: req.method,
        headers,
        body,
        signal: abort.signal,
      };
      const started = process.hrtime.bigint();
      const upstreamRes = await exchange(target, call);
      if (!upstreamRes) return;
      const status = upstreamRes.statusCode;
      metrics.upstreamDuration.observe(
        { upstream: target, method: req.method, status_code: String(status) },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
      res.writeHead(status, downstreamResponseHeaders(upstreamRes.headers));
      await streamBody(upstreamRes, res);
    },
    async close() {
      breakers.shutdown();
      await dispatcher.close();
    },
  };
}

/**
 * Streams the upstream body. An upstream that breaks off or stays silent past the idle timeout
 * (undici's bodyTimeout) ends the client response; a client that goes away aborts the upstream
 * call through the request's signal.
 */
function streamBody(upstreamRes: UpstreamResponse, res: Response): Promise<void> {
  const body = upstreamRes.body;
  return new Promise((resolve) => {
    body.once('error', () => res.destroy());
    res.once('close', resolve);
    body.pipe(res);
  });
}

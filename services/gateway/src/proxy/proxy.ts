// The reverse proxy: forwards a request to its upstream over a keep-alive agent per protocol
// (SERVICES-NOTES: without one, throughput collapses), through the upstream's circuit breaker,
// and streams the response back. Failures become problem+json: 502 unreachable, 504 timeout,
// 503 breaker open; a client that goes away aborts the upstream call.
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { injectTraceHeaders, type Target } from '@elwosa/runtime';
import type { Request, Response } from 'express';
import { BREAKER_STATE_VALUE, type GatewayMetrics } from '../metrics.js';
import { readBody } from './body.js';
import { BreakerOpenError, type BreakerSettings, UpstreamBreakers } from './breakers.js';
import { downstreamResponseHeaders, upstreamRequestHeaders } from './headers.js';
import { sendWithRetry, type UpstreamCall, type UpstreamTimeouts } from './upstream-client.js';
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
  close(): void;
}

const AGENT_OPTIONS = { keepAlive: true, maxSockets: 512, maxFreeSockets: 256 } as const;

export function createProxy(options: ProxyOptions): ReverseProxy {
  const { metrics, timeouts } = options;
  const agents = { http: new http.Agent(AGENT_OPTIONS), https: new https.Agent(AGENT_OPTIONS) };
  const breakers = new UpstreamBreakers(
    (call) =>
      sendWithRetry(call, call.url.protocol === 'https:' ? agents.https : agents.http, timeouts, () =>
        metrics.upstreamRetries.inc({ upstream: call.upstream }),
      ),
    options.breaker,
    (upstream, state) => metrics.breakerState.set({ upstream }, BREAKER_STATE_VALUE[state]),
  );

  async function exchange(target: Target, call: UpstreamCall): Promise<IncomingMessage | undefined> {
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
      const status = upstreamRes.statusCode ?? 502;
      metrics.upstreamDuration.observe(
        { upstream: target, method: req.method, status_code: String(status) },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
      res.writeHead(status, downstreamResponseHeaders(upstreamRes.headers));
      await streamBody(upstreamRes, res, timeouts.responseTimeoutMs);
    },
    close() {
      breakers.shutdown();
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

/** Streams the upstream body; an upstream silent for `idleMs` or broken mid-body ends the client response. */
function streamBody(upstreamRes: IncomingMessage, res: Response, idleMs: number): Promise<void> {
  return new Promise((resolve) => {
    const idle = setTimeout(() => upstreamRes.destroy(new Error('upstream body idle timeout')), idleMs);
    const done = () => {
      clearTimeout(idle);
      resolve();
    };
    upstreamRes.on('data', () => idle.refresh());
    upstreamRes.once('error', () => {
      res.destroy();
      done();
    });
    res.once('close', () => {
      if (!upstreamRes.complete) upstreamRes.destroy();
      done();
    });
    upstreamRes.pipe(res);
  });
}

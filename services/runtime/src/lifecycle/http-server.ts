// An HTTP server that can be closed gracefully: stop accepting, let in-flight requests finish,
// then force the rest closed.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HttpServerHandle {
  server: http.Server;
  port: number;
  /** Stops accepting; resolves when in-flight requests finished or `forceAfterMs` elapsed. */
  close(forceAfterMs?: number): Promise<void>;
}

/** Above typical load-balancer idle timeouts (60 s), so the LB closes idle connections first. */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export async function listen(
  handler: http.RequestListener,
  port: number,
  host = process.env.ELWOSA_BIND_HOST ?? '0.0.0.0',
): Promise<HttpServerHandle> {
  const server = http.createServer(handler);
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1000;
  server.requestTimeout = 5 * 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    server,
    port: actualPort,
    close(forceAfterMs = 10_000) {
      closing ??= new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), forceAfterMs);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}

// A fake upstream service (node:http): records every request it receives and answers with an
// echo of it, unless a test installs its own handler. The auth fake also answers the session
// lookup the gateway's revocation check falls back to (`GET /internal/sessions/:sid`).
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export type UpstreamHandler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

export interface FakeUpstream {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Live sessions for `/internal/sessions/:sid` (sid → userId). */
  sessions: Map<string, string>;
  handler: UpstreamHandler | undefined;
  close(): Promise<void>;
}

export function echo(res: ServerResponse, recorded: RecordedRequest, status = 200): void {
  const body = JSON.stringify(recorded);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export async function startFakeUpstream(port = 0): Promise<FakeUpstream> {
  const upstream: FakeUpstream = {
    url: '',
    port: 0,
    requests: [],
    sessions: new Map(),
    handler: undefined,
    close: async () => {},
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const session = /^\/internal\/sessions\/([^/?]+)$/.exec(req.url ?? '');
      if (session) {
        const userId = upstream.sessions.get(decodeURIComponent(session[1]!));
        res.writeHead(userId ? 200 : 404, { 'content-type': 'application/json' });
        res.end(JSON.stringify(userId ? { userId } : { status: 404 }));
        return;
      }
      const recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      upstream.requests.push(recorded);
      if (upstream.handler) upstream.handler(req, res, body);
      else echo(res, recorded);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  upstream.port = (server.address() as AddressInfo).port;
  upstream.url = `http://127.0.0.1:${upstream.port}`;
  upstream.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return upstream;
}

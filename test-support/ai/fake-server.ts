// The part both fake providers share: a node:http server on 127.0.0.1 that records every
// request, picks a scenario per chat request (queued one-shots first, then the responder),
// tracks live streams, and can be killed (listener closed, every socket destroyed) and
// restarted on the same port to simulate a replica that dies and comes back.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { echoReply, type FakeScenario } from './scenarios.ts';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  /** Chat requests: how many content/tool chunks were written before the end (or the abort). */
  chunksSent: number;
  /** Chat requests: the client went away before the answer was complete. */
  aborted: boolean;
  /** Chat requests: the answer was written to the end. */
  completed: boolean;
}

export type Responder = (body: ChatLikeBody, request: RecordedRequest) => FakeScenario;

export interface ChatLikeBody {
  model?: string;
  messages?: { role?: string; content?: unknown }[];
  [key: string]: unknown;
}

export type RouteHandler = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
  record: RecordedRequest,
) => Promise<void> | void;

export interface FakeServerBase {
  url: string;
  port: number;
  /** Every request received, oldest first. */
  requests: RecordedRequest[];
  /** Streams being written right now. */
  readonly activeStreams: number;
  /** Queues a scenario for the next chat request (first in, first out). */
  next(...scenario: FakeScenario[]): void;
  /** Sets the scenario for every chat request without a queued one (default: echo). */
  respondWith(responder: Responder): void;
  /** Requests to `path` (e.g. `/api/chat`). */
  requestsTo(path: string): RecordedRequest[];
  /** Closes the listener and destroys every connection, mid-stream ones included. */
  kill(): Promise<void>;
  /** Listens again on the same port. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface FakeServerInternals extends FakeServerBase {
  scenarioFor(body: ChatLikeBody, record: RecordedRequest): FakeScenario;
  streamStarted(): void;
  streamEnded(): void;
}

export function readJsonBody(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(text ? JSON.parse(text) : undefined);
      } catch (err) {
        reject(err);
      }
    });
    req.on('error', reject);
  });
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(text);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Resolves after `ms`, or early (false) once `res` is closed by the client. */
export function waitOrClosed(res: http.ServerResponse, ms: number): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onClose = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve(true);
    }, ms);
    res.once('close', onClose);
  });
}

export async function startFakeServer(
  routes: Record<string, RouteHandler>,
  port = 0,
): Promise<FakeServerInternals> {
  const requests: RecordedRequest[] = [];
  const queue: FakeScenario[] = [];
  const sockets = new Set<Socket>();
  let responder: Responder = (body) => echoReply(body.messages ?? []);
  let active = 0;

  const server = http.createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    let body: unknown;
    try {
      body = await readJsonBody(req);
    } catch {
      sendJson(res, 400, { error: 'invalid JSON body' });
      return;
    }
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path,
      headers: req.headers,
      body,
      chunksSent: 0,
      aborted: false,
      completed: false,
    };
    requests.push(record);
    const handler = routes[`${req.method} ${path}`] ?? routes[`* ${path}`];
    if (!handler) {
      sendJson(res, 404, { error: `no route for ${req.method} ${path}` });
      return;
    }
    try {
      await handler(req, res, record);
    } catch (err) {
      if (!res.headersSent) sendJson(res, 500, { error: String(err) });
      else res.destroy();
    }
  });
  server.keepAliveTimeout = 30_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  const listen = (p: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(p, '127.0.0.1', () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  const actualPort = await listen(port);
  const closeListener = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    });

  return {
    url: `http://127.0.0.1:${actualPort}`,
    port: actualPort,
    requests,
    get activeStreams() {
      return active;
    },
    next: (...s) => {
      queue.push(...s);
    },
    respondWith: (r) => {
      responder = r;
    },
    requestsTo: (p) => requests.filter((r) => r.path === p),
    scenarioFor: (body, record) => queue.shift() ?? responder(body, record),
    streamStarted: () => {
      active++;
    },
    streamEnded: () => {
      active--;
    },
    kill: closeListener,
    async restart() {
      await listen(actualPort);
    },
    close: closeListener,
  };
}

/** Plays a scenario's chunks: waits, stops early when the client left; returns false if it left. */
export async function playChunks(
  res: http.ServerResponse,
  record: RecordedRequest,
  chunks: readonly string[],
  timing: { delayMs?: number; firstChunkDelayMs?: number },
  write: (chunk: string) => void,
): Promise<boolean> {
  for (const [i, chunk] of chunks.entries()) {
    const wait = (timing.delayMs ?? 0) + (i === 0 ? (timing.firstChunkDelayMs ?? 0) : 0);
    if (!(await waitOrClosed(res, wait)) || res.destroyed) {
      record.aborted = true;
      return false;
    }
    write(chunk);
    record.chunksSent++;
  }
  return true;
}

// A WebSocket test client for /ws: collects envelopes, hands them out in order, and reports how
// the socket closed.
import WebSocket, { type ClientOptions } from 'ws';

export interface Envelope {
  type: string;
  seq: string | null;
  data: Record<string, unknown>;
}

export interface WsClient {
  ws: WebSocket;
  /** Every envelope received so far, in order. */
  received: Envelope[];
  /** Envelopes not yet taken by next(). */
  messages: Envelope[];
  next(): Promise<Envelope>;
  /** Resolves once an envelope matching `predicate` has been received (earlier ones included). */
  waitFor(predicate: (m: Envelope) => boolean, timeoutMs?: number): Promise<Envelope>;
  closed: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

export function openClient(
  url: string,
  protocols: string[] = [],
  options: ClientOptions = {},
): Promise<WsClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, options);
    const received: Envelope[] = [];
    const messages: Envelope[] = [];
    const waiting: Array<(m: Envelope) => void> = [];
    const watchers = new Set<(m: Envelope) => void>();
    const closed = new Promise<{ code: number; reason: string }>((r) =>
      ws.on('close', (code, reason) => r({ code, reason: reason.toString() })),
    );
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as Envelope;
      received.push(message);
      for (const watch of [...watchers]) watch(message);
      const waiter = waiting.shift();
      if (waiter) waiter(message);
      else messages.push(message);
    });
    const next = () =>
      new Promise<Envelope>((r) => {
        const queued = messages.shift();
        if (queued) r(queued);
        else waiting.push(r);
      });
    const waitFor = (predicate: (m: Envelope) => boolean, timeoutMs = 10_000) =>
      new Promise<Envelope>((r, fail) => {
        const seen = received.find(predicate);
        if (seen) return r(seen);
        const timer = setTimeout(() => {
          watchers.delete(watch);
          fail(new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(received)}`));
        }, timeoutMs);
        const watch = (m: Envelope) => {
          if (!predicate(m)) return;
          clearTimeout(timer);
          watchers.delete(watch);
          r(m);
        };
        watchers.add(watch);
      });
    const close = async () => {
      if (ws.readyState !== WebSocket.CLOSED) ws.close();
      await closed;
    };
    ws.once('open', () => resolve({ ws, received, messages, next, waitFor, closed, close }));
    ws.once('unexpected-response', (_req, res) =>
      reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { res })),
    );
    ws.once('error', reject);
  });
}

/** The user events (not control messages) a client received, in order. */
export const eventsOf = (client: WsClient): Envelope[] => client.received.filter((m) => m.seq !== null);

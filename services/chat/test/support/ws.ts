// A /ws client for the chat tests: collects the envelopes `{type, seq, data}` and waits for one.
import WebSocket from 'ws';

export interface Envelope {
  type: string;
  seq: string | null;
  data: Record<string, unknown>;
}

export interface Socket {
  ws: WebSocket;
  received: Envelope[];
  waitFor(predicate: (m: Envelope) => boolean, timeoutMs?: number): Promise<Envelope>;
  close(): Promise<void>;
}

export function openSocket(baseUrl: string, token: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const received: Envelope[] = [];
    const watchers = new Set<(m: Envelope) => void>();
    ws.on('message', (raw) => {
      const m = JSON.parse(String(raw)) as Envelope;
      received.push(m);
      for (const w of [...watchers]) w(m);
    });
    const closed = new Promise<void>((r) => ws.once('close', () => r()));
    const waitFor = (predicate: (m: Envelope) => boolean, timeoutMs = 15_000) =>
      new Promise<Envelope>((done, fail) => {
        const seen = received.find(predicate);
        if (seen) return done(seen);
        const timer = setTimeout(() => {
          watchers.delete(watch);
          fail(
            new Error(
              `no matching message in ${timeoutMs} ms; got ${received.map((r) => r.type).join(', ')}`,
            ),
          );
        }, timeoutMs);
        const watch = (m: Envelope) => {
          if (!predicate(m)) return;
          clearTimeout(timer);
          watchers.delete(watch);
          done(m);
        };
        watchers.add(watch);
      });
    ws.once('open', async () => {
      const socket: Socket = {
        ws,
        received,
        waitFor,
        async close() {
          if (ws.readyState !== WebSocket.CLOSED) ws.close();
          await closed;
        },
      };
      try {
        await waitFor((m) => m.type === 'hello');
        resolve(socket);
      } catch (err) {
        reject(err);
      }
    });
    ws.once('error', reject);
  });
}

/** The text of one message as its deltas carry it, checking every index arrives exactly once, in order. */
export function deltaText(events: readonly Envelope[], messageId: string): string {
  const deltas = events.filter((e) => e.type === 'chat.message.delta' && e.data.messageId === messageId);
  const indexes = deltas.map((d) => d.data.index);
  if (indexes.some((v, i) => v !== i))
    throw new Error(`delta indexes not 0..n-1 exactly once: ${JSON.stringify(indexes)}`);
  return deltas.map((d) => String(d.data.text)).join('');
}

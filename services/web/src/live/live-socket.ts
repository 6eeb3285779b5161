// The dashboard's one WebSocket to /ws (docs/api.md "Real time"). It authenticates with the
// subprotocols `elwosa.v1, bearer.<token>`, keeps the `seq` of the last event, and after a
// reconnect asks to `resume` from it; a `resync` answer (too long away) tells the listeners to
// refetch, and so does a reconnect without any cursor (no event before the first connection). Reconnects back off from 0.5 s to 15 s; the token is fetched fresh for each attempt.
// When the browser goes offline the socket is dropped at once (it would only die slowly), and
// when it comes back online the reconnect starts without waiting for the back-off.

export interface LiveEvent {
  type: string;
  seq: string | null;
  data: unknown;
}
export type LiveStatus = 'connecting' | 'open' | 'closed';
type Handler = (event: LiveEvent) => void;

const SUBPROTOCOL = 'elwosa.v1';
const MAX_BACKOFF_MS = 15_000;

export class LiveSocket {
  private ws: WebSocket | undefined;
  private lastSeq: string | undefined;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = true;
  /** Between the start of an attempt and its socket (or its failure). */
  private connecting = false;
  private readonly handlers = new Set<Handler>();
  private readonly statusListeners = new Set<(s: LiveStatus) => void>();
  status: LiveStatus = 'closed';

  /** A `hello` arrived since start: a later one is a reconnect. */
  private greeted = false;
  /** The last attempt never got its `hello` (e.g. a 401 at the upgrade): ask for a fresh token. */
  private handshakeFailed = false;

  /** `token(fresh)`: the current access token, or a newly refreshed one when `fresh`. */
  constructor(private readonly token: (fresh: boolean) => Promise<string | undefined>) {
    window.addEventListener('offline', () => this.ws?.close(4001, 'offline'));
    window.addEventListener('online', () => {
      if (this.stopped || this.ws || this.connecting) return;
      if (this.timer) clearTimeout(this.timer);
      this.attempt = 0;
      void this.connect();
    });
  }

  /** Every message: user events, and `resync` / `resumed` control messages. */
  subscribe(handler: Handler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  onStatus(listener: (s: LiveStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.ws?.close(1000, 'signed out');
    this.ws = undefined;
    this.lastSeq = undefined;
    this.greeted = false;
    this.setStatus('closed');
  }

  /** Drops the connection now and reconnects (after the network came back, or a token change). */
  reconnect(): void {
    if (this.stopped) return;
    this.ws?.close(4000, 'reconnect');
  }

  private setStatus(status: LiveStatus): void {
    this.status = status;
    for (const l of this.statusListeners) l(status);
  }

  private async connect(): Promise<void> {
    if (this.stopped || this.connecting) return;
    this.connecting = true;
    this.setStatus('connecting');
    const token = await this.token(this.handshakeFailed).catch(() => undefined);
    this.connecting = false;
    if (this.stopped || this.ws) return;
    if (!token) return this.scheduleReconnect();
    const url = `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`;
    let ws: WebSocket;
    try {
      ws = new WebSocket(url, [SUBPROTOCOL, `bearer.${token}`]);
    } catch {
      return this.scheduleReconnect();
    }
    this.ws = ws;
    let greeted = false;
    ws.onmessage = (msg) => {
      greeted = true;
      this.receive(msg.data);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      this.handshakeFailed = !greeted;
      this.setStatus('closed');
      this.scheduleReconnect();
    };
  }

  private receive(raw: unknown): void {
    if (typeof raw !== 'string') return;
    let event: LiveEvent;
    try {
      event = JSON.parse(raw) as LiveEvent;
    } catch {
      return;
    }
    if (event.type === 'hello') {
      this.attempt = 0;
      this.setStatus('open');
      if (this.lastSeq) this.send({ type: 'resume', data: { lastSeq: this.lastSeq } });
      else {
        // A reconnect with nothing to resume from (the user had no events when the previous
        // connection opened): what happened meanwhile can only be caught up by re-fetching.
        if (this.greeted)
          this.dispatch({ type: 'resync', seq: null, data: { lastSeq: null, reason: 'no_cursor' } });
        // No event seen yet: the log's cursor at connect, so a reconnect resumes from there.
        this.lastSeq = (event.data as { lastSeq?: string | null } | undefined)?.lastSeq ?? undefined;
      }
      this.greeted = true;
      return;
    }
    if (event.seq) this.lastSeq = event.seq;
    this.dispatch(event);
  }

  private dispatch(event: LiveEvent): void {
    for (const h of this.handlers) h(event);
  }

  private send(message: unknown): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  private scheduleReconnect(): void {
    // Offline, the `online` event starts the next attempt.
    if (this.stopped || !navigator.onLine) return;
    const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.attempt) * (0.75 + Math.random() / 2);
    this.attempt++;
    this.timer = setTimeout(() => void this.connect(), delay);
  }
}

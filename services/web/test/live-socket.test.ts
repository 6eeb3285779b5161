// The dashboard's live socket: after a reconnect it resumes from the last event it saw, or —
// when none arrived — from the cursor the previous `hello` carried; without either it tells its
// listeners to resync (re-fetch) instead.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LiveSocket } from '../src/live/live-socket.ts';

class FakeWebSocket {
  static readonly OPEN = 1;
  static opened: FakeWebSocket[] = [];
  readyState = FakeWebSocket.OPEN;
  readonly sent: unknown[] = [];
  onmessage: ((msg: { data: unknown }) => void) | null = null;
  onclose: (() => void) | null = null;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {
    FakeWebSocket.opened.push(this);
  }
  send(text: string) {
    this.sent.push(JSON.parse(text));
  }
  close() {
    this.readyState = 3;
    this.onclose?.();
  }
  receive(message: unknown) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
}

const hello = (lastSeq: string | null) => ({
  type: 'hello',
  seq: null,
  data: { connectionId: 'c', userId: 'u', heartbeatMs: 30_000, lastSeq },
});

describe('LiveSocket resume', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeWebSocket.opened = [];
    vi.stubGlobal('window', new EventTarget());
    vi.stubGlobal('location', { protocol: 'http:', host: 'localhost:8080' });
    vi.stubGlobal('navigator', { onLine: true });
    vi.stubGlobal('WebSocket', FakeWebSocket);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  async function reconnected(): Promise<FakeWebSocket> {
    const before = FakeWebSocket.opened.length;
    FakeWebSocket.opened.at(-1)!.close();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(FakeWebSocket.opened.length).toBe(before + 1);
    return FakeWebSocket.opened.at(-1)!;
  }

  async function started(): Promise<LiveSocket> {
    const socket = new LiveSocket(async () => 'token');
    socket.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(FakeWebSocket.opened).toHaveLength(1);
    return socket;
  }

  it("resumes from hello's cursor when no event arrived before the reconnect", async () => {
    const socket = await started();
    FakeWebSocket.opened[0]!.receive(hello('5-0'));
    const next = await reconnected();
    next.receive(hello('9-0'));
    expect(next.sent).toEqual([{ type: 'resume', data: { lastSeq: '5-0' } }]);
    socket.stop();
  });

  it('resumes from the last event seen, not from hello', async () => {
    const socket = await started();
    const first = FakeWebSocket.opened[0]!;
    first.receive(hello('5-0'));
    first.receive({ type: 'task.updated', seq: '7-0', data: {} });
    const next = await reconnected();
    next.receive(hello('9-0'));
    expect(next.sent).toEqual([{ type: 'resume', data: { lastSeq: '7-0' } }]);
    socket.stop();
  });

  it('without a cursor (a user with no events yet) a reconnect resyncs instead of resuming', async () => {
    const socket = await started();
    const seen: unknown[] = [];
    socket.subscribe((event) => seen.push(event));
    FakeWebSocket.opened[0]!.receive(hello(null));
    expect(seen).toEqual([]); // the first connection has nothing to catch up
    const next = await reconnected();
    next.receive(hello('3-0'));
    expect(next.sent).toEqual([]);
    expect(seen).toEqual([{ type: 'resync', seq: null, data: { lastSeq: null, reason: 'no_cursor' } }]);
    // From now on it has hello's cursor to resume from.
    const third = await reconnected();
    third.receive(hello('4-0'));
    expect(third.sent).toEqual([{ type: 'resume', data: { lastSeq: '3-0' } }]);
    expect(seen).toHaveLength(1);
    socket.stop();
  });
});

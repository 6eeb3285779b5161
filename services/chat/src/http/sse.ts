// Streams a turn to a plain HTTP client as server-sent events: first `chat.turn.started` with
// the ids, then the turn's events as they happen, ending after `chat.turn.done`. Comments keep
// idle connections (and the gateway's idle timeout) alive. A client that goes away only stops
// the writing; the turn goes on (its events still reach /ws, the answer is stored).
import type { Request, Response } from 'express';
import { CHAT_EVENTS } from '../domain/turn-events.js';
import type { PreparedTurn } from '../domain/turns.js';

export const TURN_STARTED_EVENT = 'chat.turn.started';
export const SSE_HEARTBEAT_MS = 15_000;

export const wantsEventStream = (req: Request): boolean =>
  (req.headers.accept ?? '').toLowerCase().includes('text/event-stream');

export function streamTurn(res: Response, turn: PreparedTurn, heartbeatMs = SSE_HEARTBEAT_MS): void {
  res.status(200);
  res.set({
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Accel-Buffering': 'no',
  });
  res.flushHeaders();
  let id = 0;
  const write = (type: string, data: unknown) => {
    if (!res.writableEnded && !res.destroyed)
      res.write(`id: ${id++}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const heartbeat = setInterval(() => {
    if (!res.writableEnded) res.write(': keep-alive\n\n');
  }, heartbeatMs);
  const end = () => {
    clearInterval(heartbeat);
    off();
    if (!res.writableEnded) res.end();
  };
  const off = turn.events.on((type, data) => {
    write(type, data);
    if (type === CHAT_EVENTS.turnDone) end();
  });
  res.on('close', end);
  write(TURN_STARTED_EVENT, turn.ids);
  turn.start();
}

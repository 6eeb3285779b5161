// The real-time protocol at /ws (ARCHITECTURE.md §6, contract): JSON envelopes
// `{type, seq, data}`. A user event (`task.created`, `notification.created` …) carries its cursor
// in the user's event log as `seq` (`"<ms>-<n>"`, increasing per user, the same on every
// connection and replica); control messages (`hello`, `pong`, `resumed`, `resync`, `error`) carry
// `seq: null`. Clients send `ping` and `resume {lastSeq}` (the `seq` of the last event they got).
import { z } from 'zod';

export const WS_PATH = '/ws';
/** The subprotocol the gateway speaks; echoed when the client offers it. */
export const WS_SUBPROTOCOL = 'elwosa.v1';
/** Browsers cannot set Authorization on a WebSocket: `Sec-WebSocket-Protocol: elwosa.v1, bearer.<token>`. */
export const BEARER_SUBPROTOCOL_PREFIX = 'bearer.';
export const MAX_PAYLOAD_BYTES = 64 * 1024;
export const DEFAULT_HEARTBEAT_MS = 30_000;

export const CLOSE_CODES = {
  normal: 1000,
  goingAway: 1001,
  unsupportedData: 1003,
  policyViolation: 1008,
  messageTooBig: 1009,
  internalError: 1011,
  tryAgainLater: 1013,
} as const;

export const clientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ping'), seq: z.number().int().optional(), data: z.unknown().optional() }),
  z.object({
    type: z.literal('resume'),
    seq: z.number().int().optional(),
    // Any string up to 64 characters: a malformed cursor is answered with `resync`, not `error`.
    data: z.object({ lastSeq: z.string().max(64) }),
  }),
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;

export interface HelloData {
  connectionId: string;
  userId: string;
  heartbeatMs: number;
  /**
   * The cursor of the user's newest event when the connection opened (read before it started
   * receiving live events): resume from it after a reconnect if no event arrived since. Null when
   * the user has no event log yet or it could not be read.
   */
  lastSeq: string | null;
}

/** Server → client message types of this protocol version. */
export const SERVER_TYPES = {
  hello: 'hello',
  pong: 'pong',
  /** The replay after a `resume` is complete: `{lastSeq, replayed}`; live events follow. */
  resumed: 'resumed',
  /** The server cannot replay what was missed: the client re-fetches (`GET …/changes?since=`). */
  resync: 'resync',
  error: 'error',
} as const;

export interface Envelope<T = unknown> {
  type: string;
  /** The event's cursor; null on control messages. */
  seq: string | null;
  data: T;
}

export interface ResumedData {
  lastSeq: string;
  replayed: number;
}

export interface ResyncData {
  lastSeq: string;
  reason: string;
}

export type ParsedClientMessage = { ok: true; message: ClientMessage } | { ok: false; error: string };

export function parseClientMessage(text: string): ParsedClientMessage {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: 'malformed JSON' };
  }
  const result = clientMessageSchema.safeParse(json);
  if (!result.success) return { ok: false, error: result.error.issues[0]?.message ?? 'invalid message' };
  return { ok: true, message: result.data };
}

/** The answer to a `ping`. */
export function pongTo(message: Extract<ClientMessage, { type: 'ping' }>): { type: string; data: unknown } {
  return { type: SERVER_TYPES.pong, data: message.data ?? null };
}

// The real-time protocol at /ws (ARCHITECTURE.md §6, contract): JSON envelopes
// `{type, seq, data}`. Server messages carry a per-connection sequence number starting at 1
// (the `hello`); clients send `ping` and `resume {lastSeq}`. Later issues add event types.
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
  tryAgainLater: 1013,
} as const;

export const clientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ping'), seq: z.number().int().optional(), data: z.unknown().optional() }),
  z.object({
    type: z.literal('resume'),
    seq: z.number().int().optional(),
    data: z.object({ lastSeq: z.number().int().nonnegative() }),
  }),
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;

export interface HelloData {
  connectionId: string;
  userId: string;
  heartbeatMs: number;
}

/** Server → client message types of this protocol version. */
export const SERVER_TYPES = {
  hello: 'hello',
  pong: 'pong',
  /** The server cannot replay what was missed: the client re-fetches (`GET …/changes?since=`). */
  resync: 'resync',
  error: 'error',
} as const;

export interface Envelope<T = unknown> {
  type: string;
  seq: number;
  data: T;
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

/** The reply to a client message (without its seq, which the connection assigns). */
export function replyTo(message: ClientMessage): { type: string; data: unknown } {
  switch (message.type) {
    case 'ping':
      return { type: SERVER_TYPES.pong, data: message.data ?? null };
    case 'resume':
      return {
        type: SERVER_TYPES.resync,
        data: { lastSeq: message.data.lastSeq, reason: 'history unavailable' },
      };
  }
}

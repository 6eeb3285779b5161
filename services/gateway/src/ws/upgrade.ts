// The /ws upgrade. Express middleware never sees upgrades (SERVICES-NOTES), so this handler
// authenticates and rate-limits them itself, before any socket exists: missing or bad token →
// HTTP 401 and the connection is closed; over the limit → 429; draining → 503. Accepted
// connections join the registry; on shutdown they are closed with 1001.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  HttpProblem,
  PROBLEM_CONTENT_TYPE,
  problems,
  REQUEST_ID_HEADER,
  resolveRequestId,
  type SessionCheck,
} from '@elwosa/runtime';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import type { Admit } from '../identity/admission.js';
import type { LiveMetrics } from '../live/live-metrics.js';
import type { ReplayResult } from '../live/replay.js';
import type { Release } from '../live/user-event-relay.js';
import type { GatewayMetrics } from '../metrics.js';
import { normalizePath, splitTarget } from '../routing/normalize-path.js';
import { GatewayConnection } from './connection.js';
import type { ConnectionRegistry } from './hub.js';
import { DEFAULT_MESSAGE_BUDGET, type MessageBudgetOptions } from './message-budget.js';
import { CLOSE_CODES, MAX_PAYLOAD_BYTES, WS_PATH, WS_SUBPROTOCOL } from './protocol.js';
import { redactTarget, upgradeAuthorization } from './token.js';

export interface UpgradeOptions {
  /** Token, live session and rate limit, as for proxied requests. */
  admit: Admit;
  /** Re-checked on every heartbeat: a revoked session's connection is closed. */
  sessionCheck: SessionCheck;
  hub: ConnectionRegistry;
  metrics: GatewayMetrics;
  liveMetrics: LiveMetrics;
  /** Reads a user's events after a cursor (for `resume`). */
  replay: (userId: string, lastSeq: string) => Promise<ReplayResult>;
  /** Subscribes this replica to the user's events (user-event-relay.ts); rejects when the cache is down. */
  listen: (userId: string) => Promise<Release>;
  /** The user's newest event cursor (null: none, or unreadable); read once the user is listened to. */
  logTip: (userId: string) => Promise<string | null>;
  logger: Logger;
  heartbeatMs: number;
  /** Resolves the client address the way express does (trusted proxy hops). */
  clientIp: (req: IncomingMessage) => string | undefined;
  isDraining: () => boolean;
  maxPayloadBytes?: number;
  maxBufferedBytes?: number;
  messageBudget?: MessageBudgetOptions;
}

export interface UpgradeHandler {
  handle(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Closes every connection with 1001 and resolves when they are gone (or `forceAfterMs` passed). */
  shutdown(forceAfterMs: number): Promise<void>;
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

/** Answers an upgrade request with a plain HTTP problem response and closes the connection. */
export function rejectUpgrade(
  socket: Duplex,
  problem: HttpProblem,
  requestId: string,
  extraHeaders: Record<string, string> = {},
): void {
  const body = JSON.stringify(problem.toBody(requestId));
  const headers: Record<string, string> = {
    Connection: 'close',
    'Content-Type': PROBLEM_CONTENT_TYPE,
    'Content-Length': String(Buffer.byteLength(body)),
    'X-Request-Id': requestId,
    ...extraHeaders,
    ...problem.headers,
  };
  const head = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\r\n');
  socket.end(`HTTP/1.1 ${problem.status} ${REASONS[problem.status] ?? 'Error'}\r\n${head}\r\n\r\n${body}`);
}

export function createUpgradeHandler(options: UpgradeOptions): UpgradeHandler {
  const { hub, metrics, logger } = options;
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    maxPayload: options.maxPayloadBytes ?? MAX_PAYLOAD_BYTES,
    handleProtocols: (protocols) => (protocols.has(WS_SUBPROTOCOL) ? WS_SUBPROTOCOL : false),
  });
  const open = new Set<GatewayConnection>();

  const reject = (
    socket: Duplex,
    problem: HttpProblem,
    requestId: string,
    headers?: Record<string, string>,
  ) => {
    metrics.wsRejectedUpgrades.inc({ status_code: String(problem.status) });
    rejectUpgrade(socket, problem, requestId, headers);
  };

  async function handleAsync(req: IncomingMessage, socket: Duplex, head: Buffer, requestId: string) {
    const { path, query } = splitTarget(req.url ?? '/');
    const normalized = normalizePath(path);
    if (!normalized.ok || normalized.path.toLowerCase() !== WS_PATH) {
      reject(socket, problems.notFound(), requestId);
      return;
    }
    if (options.isDraining()) {
      reject(socket, problems.unavailable('shutting down'), requestId);
      return;
    }
    const authorization = upgradeAuthorization(req.headers, new URLSearchParams(query));
    const admission = await options.admit({ authorization, credential: 'token', ip: options.clientIp(req) });
    const identity = admission.identity;
    if (admission.problem || !identity) {
      reject(socket, admission.problem ?? problems.unauthorized(), requestId, admission.headers);
      return;
    }
    let release: Release;
    try {
      release = await options.listen(identity.userId);
    } catch (err) {
      logger.warn({ err, requestId }, 'cannot subscribe to the user events');
      reject(socket, problems.unavailable('live updates are unavailable'), requestId);
      return;
    }
    // The subscription ends with the socket, whether the upgrade completes or not.
    if (socket.destroyed) {
      release();
      return;
    }
    socket.once('close', release);
    // Read after the subscription and before the connection joins the hub: every event after
    // this cursor is either delivered live or replayable by a `resume` from it.
    const lastSeq = await options.logTip(identity.userId);
    wss.handleUpgrade(req, socket, head, (ws) => {
      const connection = new GatewayConnection(ws, identity, {
        lastSeq,
        heartbeatMs: options.heartbeatMs,
        maxBufferedBytes: options.maxBufferedBytes ?? 1024 * 1024,
        messageBudget: options.messageBudget ?? DEFAULT_MESSAGE_BUDGET,
        metrics,
        liveMetrics: options.liveMetrics,
        replay: (lastSeq) => options.replay(identity.userId, lastSeq),
        logger,
        isSessionLive: () =>
          options.sessionCheck({ sub: identity.userId, sid: identity.sessionId, roles: identity.roles }),
        onClose: (closed) => {
          open.delete(closed);
          hub.remove(closed);
          metrics.wsConnections.dec();
        },
      });
      open.add(connection);
      hub.add(connection);
      metrics.wsConnections.inc();
      logger.info({ connectionId: connection.id, userId: identity.userId, requestId }, 'websocket connected');
    });
  }

  return {
    handle(req, socket, head) {
      const requestId = resolveRequestId(req.headers[REQUEST_ID_HEADER]);
      socket.on('error', () => socket.destroy());
      logger.debug({ target: redactTarget(req.url ?? '/'), requestId }, 'websocket upgrade');
      handleAsync(req, socket, head, requestId).catch((err: unknown) => {
        logger.error({ err, requestId }, 'websocket upgrade failed');
        if (socket.writable) reject(socket, new HttpProblem(500, 'internal error'), requestId);
        else socket.destroy();
      });
    },
    async shutdown(forceAfterMs) {
      wss.close();
      const closed = [...open].map(
        (connection) => new Promise<void>((resolve) => connection.onceClosed(resolve)),
      );
      for (const connection of open) connection.close(CLOSE_CODES.goingAway, 'server shutting down');
      const force = setTimeout(() => {
        for (const connection of open) connection.terminate();
      }, forceAfterMs);
      force.unref();
      await Promise.all(closed);
      clearTimeout(force);
    },
  };
}

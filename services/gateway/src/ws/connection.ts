// One authenticated WebSocket connection: greets with `hello`, passes on its user's events (each
// with its cursor as `seq`; delivery-state.ts decides what goes out during and after a resume),
// replays what a resuming client missed, answers client messages, keeps a heartbeat (a ping every `heartbeatMs`;
// no pong by the next tick → terminate), re-checks on every tick that its session is still live
// (logout or revocation → close 1008), closes a client that sends too much (message budget →
// 1008), and drops one that falls too far behind (more than `maxBufferedBytes` unsent → 1013).
import { randomUUID } from 'node:crypto';
import type { Identity, UserEvent } from '@elwosa/runtime';
import type { Logger } from 'pino';
import type { RawData, WebSocket } from 'ws';
import { DeliveryState } from '../live/delivery-state.js';
import type { LiveMetrics, ResyncMetricReason } from '../live/live-metrics.js';
import type { ReplayResult } from '../live/replay.js';
import type { GatewayMetrics } from '../metrics.js';
import type { HubConnection } from './hub.js';
import { createMessageBudget, type MessageBudget, type MessageBudgetOptions } from './message-budget.js';
import {
  CLOSE_CODES,
  type Envelope,
  type HelloData,
  parseClientMessage,
  pongTo,
  type ResumedData,
  type ResyncData,
  SERVER_TYPES,
} from './protocol.js';

export interface ConnectionOptions {
  heartbeatMs: number;
  maxBufferedBytes: number;
  messageBudget: MessageBudgetOptions;
  metrics: GatewayMetrics;
  liveMetrics: LiveMetrics;
  logger: Logger;
  /** Reads the user's events after a cursor (for `resume`). */
  replay: (lastSeq: string) => Promise<ReplayResult>;
  /** The user's newest event cursor before this connection joined the hub (sent in `hello`). */
  lastSeq: string | null;
  /** Resolves false once the session is revoked; a rejection (cannot tell) keeps the connection. */
  isSessionLive: () => Promise<boolean>;
  onClose: (connection: GatewayConnection) => void;
}

export class GatewayConnection implements HubConnection {
  readonly id = randomUUID();
  readonly userId: string;
  private readonly delivery = new DeliveryState();
  private alive = true;
  private checkingSession = false;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly logger: Logger;
  private readonly withinBudget: MessageBudget;

  constructor(
    private readonly socket: WebSocket,
    identity: Identity,
    private readonly options: ConnectionOptions,
  ) {
    this.userId = identity.userId;
    this.withinBudget = createMessageBudget(options.messageBudget);
    this.logger = options.logger.child({ connectionId: this.id, userId: this.userId });
    socket.on('pong', () => {
      this.alive = true;
    });
    socket.on('message', (data, isBinary) => this.receive(data, isBinary));
    socket.on('error', (err) => this.logger.debug({ err: err.message }, 'websocket error'));
    socket.once('close', (code) => {
      clearInterval(this.heartbeat);
      this.logger.debug({ code }, 'websocket closed');
      options.onClose(this);
    });
    this.heartbeat = setInterval(() => this.beat(), options.heartbeatMs);
    this.heartbeat.unref();
    const hello: HelloData = {
      connectionId: this.id,
      userId: this.userId,
      heartbeatMs: options.heartbeatMs,
      lastSeq: options.lastSeq,
    };
    this.send(SERVER_TYPES.hello, hello);
  }

  /** Sends a control message (`seq: null`). */
  send(type: string, data: unknown): boolean {
    return this.sendEnvelope({ type, seq: null, data });
  }

  deliver(event: UserEvent): boolean {
    if (this.socket.readyState !== this.socket.OPEN) return false;
    return this.sendEvents(this.delivery.offer(event), 'live');
  }

  private sendEvents(events: readonly UserEvent[], path: 'live' | 'replay'): boolean {
    for (const event of events) {
      if (!this.sendEnvelope({ type: event.type, seq: event.seq, data: event.data })) return false;
      this.options.liveMetrics.eventsDelivered.inc({ path });
    }
    return true;
  }

  private sendEnvelope(envelope: Envelope): boolean {
    if (this.socket.readyState !== this.socket.OPEN) return false;
    if (this.socket.bufferedAmount > this.options.maxBufferedBytes) {
      this.close(CLOSE_CODES.tryAgainLater, 'client too slow');
      return false;
    }
    this.socket.send(JSON.stringify(envelope));
    this.options.metrics.wsMessages.inc({ direction: 'out' });
    return true;
  }

  close(code: number, reason: string): void {
    if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING) {
      this.socket.close(code, reason);
    }
  }

  terminate(): void {
    this.socket.terminate();
  }

  /** Calls `listener` once the socket has closed (at once when it already is). */
  onceClosed(listener: () => void): void {
    if (this.socket.readyState === this.socket.CLOSED) listener();
    else this.socket.once('close', listener);
  }

  private beat(): void {
    if (!this.alive) {
      this.logger.debug('no pong; terminating');
      this.socket.terminate();
      return;
    }
    this.alive = false;
    this.socket.ping();
    void this.checkSession();
  }

  private async checkSession(): Promise<void> {
    if (this.checkingSession) return;
    this.checkingSession = true;
    try {
      if (!(await this.options.isSessionLive())) this.close(CLOSE_CODES.policyViolation, 'session revoked');
    } catch (err) {
      this.logger.debug(
        { err: err instanceof Error ? err.message : err },
        'session check failed; keeping the connection',
      );
    } finally {
      this.checkingSession = false;
    }
  }

  private receive(data: RawData, isBinary: boolean): void {
    this.options.metrics.wsMessages.inc({ direction: 'in' });
    if (!this.withinBudget()) {
      this.close(CLOSE_CODES.policyViolation, 'too many messages');
      return;
    }
    if (isBinary) {
      this.close(CLOSE_CODES.unsupportedData, 'binary messages are not supported');
      return;
    }
    const parsed = parseClientMessage(rawDataToString(data));
    if (!parsed.ok) {
      this.send(SERVER_TYPES.error, { code: 'bad_message', message: parsed.error });
      return;
    }
    const message = parsed.message;
    if (message.type === 'resume') {
      this.resume(message.data.lastSeq).catch((err: unknown) => {
        this.logger.error({ err }, 'resume failed');
        this.close(CLOSE_CODES.internalError, 'resume failed');
      });
      return;
    }
    this.delivery.stopTracking();
    const reply = pongTo(message);
    this.send(reply.type, reply.data);
  }

  /** Replays the events after `lastSeq`, holding live ones back meanwhile; or tells the client to resync. */
  private async resume(lastSeq: string): Promise<void> {
    const refused = this.delivery.beginResume(lastSeq);
    if (refused) {
      this.resync(lastSeq, refused);
      return;
    }
    const result = await this.options.replay(lastSeq);
    if (!result.ok) {
      this.resync(lastSeq, result.reason);
      this.sendEvents(this.delivery.abandonResume(), 'live');
      return;
    }
    const { events, overflowed } = this.delivery.finishResume(result.events);
    if (overflowed) {
      this.close(CLOSE_CODES.tryAgainLater, 'client too slow');
      return;
    }
    this.options.liveMetrics.resumes.inc({ outcome: 'replayed' });
    if (!this.sendEvents(events, 'replay')) return;
    const resumed: ResumedData = { lastSeq, replayed: events.length };
    this.send(SERVER_TYPES.resumed, resumed);
  }

  private resync(lastSeq: string, reason: ResyncMetricReason): void {
    this.options.liveMetrics.resumes.inc({ outcome: 'resync' });
    this.options.liveMetrics.resyncs.inc({ reason });
    const data: ResyncData = { lastSeq, reason };
    this.send(SERVER_TYPES.resync, data);
  }
}

function rawDataToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

// One authenticated WebSocket connection: numbers every server message (per-connection `seq`),
// greets with `hello`, answers client messages, keeps a heartbeat (a ping every `heartbeatMs`;
// no pong by the next tick → terminate), re-checks on every tick that its session is still live
// (logout or revocation → close 1008), closes a client that sends too much (message budget →
// 1008), and drops one that falls too far behind (more than `maxBufferedBytes` unsent → 1013).
import { randomUUID } from 'node:crypto';
import type { Identity } from '@elwosa/runtime';
import type { Logger } from 'pino';
import type { RawData, WebSocket } from 'ws';
import type { GatewayMetrics } from '../metrics.js';
import type { HubConnection } from './hub.js';
import { createMessageBudget, type MessageBudget, type MessageBudgetOptions } from './message-budget.js';
import {
  CLOSE_CODES,
  type Envelope,
  type HelloData,
  parseClientMessage,
  replyTo,
  SERVER_TYPES,
} from './protocol.js';

export interface ConnectionOptions {
  heartbeatMs: number;
  maxBufferedBytes: number;
  messageBudget: MessageBudgetOptions;
  metrics: GatewayMetrics;
  logger: Logger;
  /** Resolves false once the session is revoked; a rejection (cannot tell) keeps the connection. */
  isSessionLive: () => Promise<boolean>;
  onClose: (connection: GatewayConnection) => void;
}

export class GatewayConnection implements HubConnection {
  readonly id = randomUUID();
  readonly userId: string;
  private seq = 0;
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
    const hello: HelloData = { connectionId: this.id, userId: this.userId, heartbeatMs: options.heartbeatMs };
    this.send(SERVER_TYPES.hello, hello);
  }

  send(type: string, data: unknown): boolean {
    if (this.socket.readyState !== this.socket.OPEN) return false;
    if (this.socket.bufferedAmount > this.options.maxBufferedBytes) {
      this.close(CLOSE_CODES.tryAgainLater, 'client too slow');
      return false;
    }
    this.seq += 1;
    const envelope: Envelope = { type, seq: this.seq, data };
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
    const reply = replyTo(parsed.message);
    this.send(reply.type, reply.data);
  }
}

function rawDataToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

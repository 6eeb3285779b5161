// GroupReader over Redis Streams (see consumer-loop.ts). Blocking XREADGROUP runs on a
// connection of its own (it would stall every other command queued behind it); claims and
// acknowledgements use the shared connection.
import type { Redis } from 'ioredis';
import type { StreamEntry } from '../cache-bus.js';
import type { GroupReader } from '../consumer-loop.js';
import { guard, isReplyError } from './connection.js';
import { autoClaimReply, readGroupEntries } from './replies.js';

export interface RedisGroupTarget {
  stream: string;
  group: string;
  consumer: string;
  startFrom: 'new' | 'beginning';
}

const isError = (err: unknown, code: string) => isReplyError(err) && err.message.startsWith(code);

export class RedisGroupReader implements GroupReader {
  private cursor = '0-0';
  private interrupted = false;

  constructor(
    private readonly client: Redis,
    /** Dedicated to this reader; closed with it. */
    private readonly blocking: Redis,
    private readonly target: RedisGroupTarget,
  ) {}

  async ensureGroup(): Promise<void> {
    const { stream, group, startFrom } = this.target;
    try {
      await guard(this.client.xgroup('CREATE', stream, group, startFrom === 'new' ? '$' : '0', 'MKSTREAM'));
    } catch (err) {
      if (!isError(err, 'BUSYGROUP')) throw err;
    }
  }

  async readNew(count: number, blockMs: number): Promise<StreamEntry[]> {
    if (this.interrupted) return [];
    const { stream, group, consumer } = this.target;
    try {
      const reply = await guard(
        this.blocking.xreadgroup(
          'GROUP',
          group,
          consumer,
          'COUNT',
          count,
          'BLOCK',
          blockMs,
          'STREAMS',
          stream,
          '>',
        ),
      );
      return readGroupEntries(reply);
    } catch (err) {
      if (this.interrupted) return [];
      return this.recreateIfGone(err);
    }
  }

  async claimIdle(minIdleMs: number, count: number): Promise<StreamEntry[]> {
    const { stream, group, consumer } = this.target;
    try {
      const reply = autoClaimReply(
        await guard(this.client.xautoclaim(stream, group, consumer, minIdleMs, this.cursor, 'COUNT', count)),
      );
      this.cursor = reply.cursor;
      return reply.entries;
    } catch (err) {
      return this.recreateIfGone(err);
    }
  }

  async ack(id: string): Promise<void> {
    await guard(this.client.xack(this.target.stream, this.target.group, id));
  }

  /** Drops the blocking connection, which ends a blocked read at once (its entries stay pending). */
  interrupt(): void {
    this.interrupted = true;
    this.blocking.disconnect();
  }

  async close(): Promise<void> {
    this.blocking.disconnect();
  }

  /** The stream or group was deleted under us: create it again, like the first consume did. */
  private async recreateIfGone(err: unknown): Promise<StreamEntry[]> {
    if (!isError(err, 'NOGROUP')) throw err;
    this.cursor = '0-0';
    await this.ensureGroup();
    return [];
  }
}

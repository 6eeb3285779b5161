// Pub/sub over one dedicated Redis connection (a subscribed connection serves nothing else).
// The handler table is the source of truth: after every reconnect all its channels are
// subscribed again, so subscriptions survive Redis restarts and network cuts.
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { MessageHandler } from '../cache-bus.js';
import { CacheUnavailableError } from '../errors.js';
import { deliverMessage } from '../handlers.js';
import { guard, waitReady } from './connection.js';

interface Subscription {
  /** The channel name the caller used (without key prefix). */
  channel: string;
  handler: MessageHandler;
}

export class RedisSubscriber {
  /** By the channel name in Redis. */
  private readonly subscriptions = new Map<string, Set<Subscription>>();
  /** The SUBSCRIBE call that made each channel active. */
  private readonly active = new Map<string, Promise<unknown>>();
  private everReady = false;
  /** The first wait for the connection, shared by the subscribe calls made before it is ready. */
  private firstReady: Promise<void> | undefined;

  constructor(
    private readonly connection: Redis,
    private readonly readyTimeoutMs: number,
    private readonly logger: Logger | undefined,
  ) {
    connection.on('message', (channel: string, message: string) => this.dispatch(channel, message));
    connection.on('ready', () => {
      this.everReady = true;
      this.resubscribeAll();
    });
  }

  /** Resolves once Redis confirmed the subscription; the result removes it. */
  async subscribe(
    redisChannel: string,
    channel: string,
    handler: MessageHandler,
  ): Promise<() => Promise<void>> {
    // Only the first use may wait for the connection; after an outage calls fail fast.
    if (!this.everReady) await this.waitFirstReady();
    const subscription = { channel, handler };
    let subscriptions = this.subscriptions.get(redisChannel);
    if (subscriptions === undefined) {
      subscriptions = new Set();
      this.subscriptions.set(redisChannel, subscriptions);
      this.active.set(redisChannel, guard(this.connection.subscribe(redisChannel)));
    }
    subscriptions.add(subscription);
    try {
      await this.active.get(redisChannel);
    } catch (err) {
      this.remove(redisChannel, subscription);
      throw err;
    }
    if (!this.subscriptions.get(redisChannel)?.has(subscription)) {
      throw new CacheUnavailableError(`subscription to ${channel} failed`);
    }
    return () => this.unsubscribe(redisChannel, subscription);
  }

  private waitFirstReady(): Promise<void> {
    this.firstReady ??= waitReady(this.connection, this.readyTimeoutMs).catch((err: unknown) => {
      this.firstReady = undefined; // the next call waits again
      throw err;
    });
    return this.firstReady;
  }

  close(): void {
    this.subscriptions.clear();
    this.active.clear();
    this.connection.disconnect();
  }

  private async unsubscribe(redisChannel: string, subscription: Subscription): Promise<void> {
    if (!this.remove(redisChannel, subscription)) return;
    try {
      await guard(this.connection.unsubscribe(redisChannel));
    } catch (err) {
      // Disconnected: the channel is no longer in the table, so it is not resubscribed.
      this.logger?.debug({ err, channel: subscription.channel }, 'redis unsubscribe failed');
    }
  }

  /** Returns true when this was the channel's last subscription. */
  private remove(redisChannel: string, subscription: Subscription): boolean {
    const subscriptions = this.subscriptions.get(redisChannel);
    if (subscriptions === undefined || !subscriptions.delete(subscription)) return false;
    if (subscriptions.size > 0) return false;
    this.subscriptions.delete(redisChannel);
    this.active.delete(redisChannel);
    return true;
  }

  private dispatch(redisChannel: string, message: string): void {
    const subscriptions = this.subscriptions.get(redisChannel);
    if (subscriptions === undefined) return;
    for (const { handler, channel } of [...subscriptions])
      deliverMessage(handler, message, channel, this.logger);
  }

  private resubscribeAll(): void {
    const channels = [...this.subscriptions.keys()];
    if (channels.length === 0) return;
    const resubscribed = guard(this.connection.subscribe(...channels));
    for (const channel of channels) this.active.set(channel, resubscribed);
    resubscribed.catch((err: unknown) => this.logger?.warn({ err, channels }, 'redis resubscribe failed'));
  }
}

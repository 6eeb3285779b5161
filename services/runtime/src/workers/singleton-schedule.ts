// Runs a job once per interval across all replicas: time is cut into slots of one interval,
// every replica wakes at each slot's start, and the one that sets the slot's key in the shared
// cache first (SET NX with a TTL) runs the job; the others skip that slot. Without the cache
// nobody runs (fail closed: better a late run than one per replica).
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { CacheBus } from '../cache/cache-bus.js';
import type { Logger } from '../observability/logger.js';
import { type Periodic, startPeriodic } from './periodic.js';

/** A name for this replica's background workers (lock owner, consumer name): host, pid, random suffix. */
export const workerInstanceId = (): string => `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

export const slotOf = (nowMs: number, intervalMs: number): number => Math.floor(nowMs / intervalMs);

/** Milliseconds until the next slot starts (always > 0). */
export const msUntilNextSlot = (nowMs: number, intervalMs: number): number =>
  intervalMs - (nowMs % intervalMs);

export interface SlotContext {
  slot: number;
  /** Turns true once the schedule is being stopped: long jobs should return early. */
  stopped: () => boolean;
}

export interface SingletonScheduleOptions {
  /** Cache key prefix of the slot locks. */
  name: string;
  cache: CacheBus;
  intervalMs: number;
  /** This replica's id (the lock's value, for debugging). */
  owner: string;
  logger: Logger;
  now: () => Date;
  run: (now: Date, context: SlotContext) => Promise<void>;
  onSlot?: (outcome: 'ran' | 'skipped' | 'failed') => void;
}

export function startSingletonSchedule(options: SingletonScheduleOptions): Periodic {
  const { cache, intervalMs, name } = options;
  let stopped = false;
  const periodic = startPeriodic({
    name,
    logger: options.logger,
    delayMs: () => msUntilNextSlot(options.now().getTime(), intervalMs),
    run: async () => {
      const now = options.now();
      const slot = slotOf(now.getTime(), intervalMs);
      try {
        const won = await cache.setIfAbsent(`${name}:slot:${slot}`, options.owner, intervalMs * 2);
        if (won) await options.run(now, { slot, stopped: () => stopped });
        options.onSlot?.(won ? 'ran' : 'skipped');
      } catch (err) {
        options.onSlot?.('failed');
        throw err;
      }
    },
  });
  return {
    wake: () => periodic.wake(),
    stop: () => {
      stopped = true;
      return periodic.stop();
    },
  };
}

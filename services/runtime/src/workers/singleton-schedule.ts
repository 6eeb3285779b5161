// Runs a job once per interval across all replicas: time is cut into slots of one interval,
// every replica wakes at each slot's start, and the one that sets the slot's key in the shared
// cache first (SET NX with a TTL) runs the job; the others skip that slot. Without the cache
// nobody runs (fail closed: better a late reminder than a duplicate scan per replica).
import type { CacheBus, Logger } from '@elwosa/runtime';
import { type Periodic, startPeriodic } from './periodic.js';

export const slotOf = (nowMs: number, intervalMs: number): number => Math.floor(nowMs / intervalMs);

/** Milliseconds until the next slot starts (always > 0). */
export const msUntilNextSlot = (nowMs: number, intervalMs: number): number =>
  intervalMs - (nowMs % intervalMs);

export interface SingletonScheduleOptions {
  name: string;
  cache: CacheBus;
  intervalMs: number;
  /** This replica's id (the lock's value, for debugging). */
  owner: string;
  logger: Logger;
  now: () => Date;
  run: (now: Date, slot: number) => Promise<void>;
  onSlot?: (outcome: 'ran' | 'skipped') => void;
}

export function startSingletonSchedule(options: SingletonScheduleOptions): Periodic {
  const { cache, intervalMs, name } = options;
  return startPeriodic({
    name,
    logger: options.logger,
    delayMs: () => msUntilNextSlot(options.now().getTime(), intervalMs),
    run: async () => {
      const now = options.now();
      const slot = slotOf(now.getTime(), intervalMs);
      const won = await cache.setIfAbsent(`${name}:slot:${slot}`, options.owner, intervalMs * 2);
      options.onSlot?.(won ? 'ran' : 'skipped');
      if (won) await options.run(now, slot);
    },
  });
}

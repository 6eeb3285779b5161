// Once per interval across replicas: time is cut into slots of one interval; at each slot the
// replicas race for the slot's key in the shared cache (SET NX with a TTL) and only the winner
// runs the job. Without the cache nobody runs (the roll-up catches up in a later slot).
import type { CacheBus, Logger } from '@elwosa/runtime';

export const slotOf = (nowMs: number, intervalMs: number): number => Math.floor(nowMs / intervalMs);

/** Milliseconds until the next slot starts (always > 0). */
export const msUntilNextSlot = (nowMs: number, intervalMs: number): number =>
  intervalMs - (nowMs % intervalMs);

export interface IntervalJobOptions {
  /** Cache key prefix of the slot locks. */
  name: string;
  cache: CacheBus;
  intervalMs: number;
  /** This replica's id (the lock's value, for debugging). */
  owner: string;
  logger: Logger;
  now: () => Date;
  /** The job; `shouldStop` turns true when the service stops. */
  run: (now: Date, shouldStop: () => boolean) => Promise<void>;
  onSlot?: (outcome: 'ran' | 'skipped' | 'failed') => void;
}

export interface IntervalJob {
  stop(): Promise<void>;
}

export function startIntervalJob(options: IntervalJobOptions): IntervalJob {
  const { cache, intervalMs, name, logger } = options;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  async function slot(): Promise<void> {
    const now = options.now();
    try {
      const won = await cache.setIfAbsent(
        `${name}:slot:${slotOf(now.getTime(), intervalMs)}`,
        options.owner,
        intervalMs * 2,
      );
      if (won) await options.run(now, () => stopped);
      options.onSlot?.(won ? 'ran' : 'skipped');
    } catch (err) {
      options.onSlot?.('failed');
      logger.warn({ err, job: name }, 'interval job failed; it runs again next interval');
    }
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(
      () => {
        running = slot().finally(schedule);
      },
      msUntilNextSlot(options.now().getTime(), intervalMs),
    );
  }

  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

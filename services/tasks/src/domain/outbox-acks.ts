// Removes the outbox records of published changes in batches: one DELETE per interval (or per
// full batch) for every request that published in it, instead of one more statement per write.
// A removal that fails is not retried: its records stay and become due after the grace period,
// so the repair publishes those tasks once more (a duplicate of the newest version, which every
// consumer takes as it is). Removals acknowledged after `stop` are left to the repair likewise.
import { type Logger, startPeriodic } from '@elwosa/runtime';
import type { TasksDb } from '../store/db.js';
import { type OutboxKey, removePublished } from '../store/event-outbox.js';

export interface OutboxAcks {
  /** The events of these changes are published: their records may go. */
  acknowledge(keys: readonly OutboxKey[]): void;
  /** Removes what is pending now, then stops. */
  stop(): Promise<void>;
}

export interface OutboxAcksOptions {
  db: TasksDb;
  logger: Logger;
  /** How long an acknowledgement waits for others to share its statement. */
  intervalMs?: number;
  /** A batch this large is removed at once. */
  maxBatch?: number;
}

export function startOutboxAcks(options: OutboxAcksOptions): OutboxAcks {
  const intervalMs = options.intervalMs ?? 100;
  const maxBatch = options.maxBatch ?? 500;
  let pending: OutboxKey[] = [];
  let stopped = false;

  async function flush(): Promise<boolean> {
    if (pending.length === 0) return false;
    const batch = pending.slice(0, maxBatch);
    pending = pending.slice(batch.length);
    try {
      await removePublished(options.db, batch);
    } catch (err) {
      options.logger.warn(
        { err, records: batch.length },
        'event outbox: removing published records failed; the repair job will publish them again',
      );
    }
    return pending.length >= maxBatch;
  }

  const worker = startPeriodic({
    name: 'tasks-outbox-acks',
    logger: options.logger,
    run: flush,
    delayMs: () => intervalMs,
  });

  return {
    acknowledge(keys) {
      if (stopped) return;
      pending.push(...keys);
      if (pending.length >= maxBatch) worker.wake();
    },
    async stop() {
      stopped = true;
      await worker.stop();
      while (pending.length > 0) await flush();
    },
  };
}

// Settings only the tasks service reads (the platform-wide ones are in @elwosa/runtime).
import { env } from '@elwosa/runtime';
import { z } from 'zod';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export const tasksEnvSchema = z.object({
  /** Deleted tasks stay as tombstones for the changes feed this long, then are purged. */
  ELWOSA_TASKS_TOMBSTONE_RETENTION_DAYS: env.positiveInt().max(3650).default(30),
  /** A create's Idempotency-Key is honoured this long; later the key is free again. */
  ELWOSA_TASKS_IDEMPOTENCY_TTL_HOURS: env.positiveInt().max(720).default(24),
  /** How often the retention job runs (once per interval across all replicas). */
  ELWOSA_TASKS_RETENTION_INTERVAL_MS: env.positiveInt().min(50).max(DAY_MS).default(HOUR_MS),
  /** How often task events deferred during a cache outage are looked for and published. */
  ELWOSA_TASKS_EVENT_REPAIR_INTERVAL_MS: env.positiveInt().min(50).max(HOUR_MS).default(5000),
});
export type TasksEnv = z.output<typeof tasksEnvSchema>;

export interface RetentionSettings {
  tombstoneRetentionMs: number;
  idempotencyTtlMs: number;
  intervalMs: number;
  /** Rows deleted per statement, so a large purge never holds long locks. */
  batchSize: number;
}

export function retentionSettings(e: TasksEnv): RetentionSettings {
  return {
    tombstoneRetentionMs: e.ELWOSA_TASKS_TOMBSTONE_RETENTION_DAYS * DAY_MS,
    idempotencyTtlMs: e.ELWOSA_TASKS_IDEMPOTENCY_TTL_HOURS * HOUR_MS,
    intervalMs: e.ELWOSA_TASKS_RETENTION_INTERVAL_MS,
    batchSize: 1000,
  };
}

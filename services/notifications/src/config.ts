// Settings only the notifications service reads (the platform-wide ones are in @elwosa/runtime).
import { env } from '@elwosa/runtime';
import { z } from 'zod';
import type { RetryPolicy } from './domain/retry-policy.js';

const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

export const notificationsEnvSchema = z.object({
  /** Platform contract name. `smtp://user:pass@host:587` or `smtps://…`; unset = email disabled. */
  SMTP_URL: optional(z.url({ protocol: /^smtps?$/, message: 'must be an smtp:// or smtps:// URL' })),
  SMTP_FROM: z.string().min(3).max(320).default('ELWOSA <no-reply@elwosa.local>'),
  /** How often the due-soon scan runs (once per interval across all replicas). */
  ELWOSA_NOTIFY_SCAN_INTERVAL_MS: env.positiveInt().min(50).max(86_400_000).default(60_000),
  /** A task is due soon this long before its due date (and is still reminded this long after). */
  ELWOSA_NOTIFY_DUE_SOON_WINDOW_MS: env
    .positiveInt()
    .max(30 * 86_400_000)
    .default(3_600_000),
  ELWOSA_NOTIFY_OUTBOX_MAX_ATTEMPTS: env.positiveInt().max(100).default(8),
  ELWOSA_NOTIFY_OUTBOX_BACKOFF_MS: env.positiveInt().max(86_400_000).default(30_000),
  ELWOSA_NOTIFY_OUTBOX_BACKOFF_MAX_MS: env
    .positiveInt()
    .max(7 * 86_400_000)
    .default(3_600_000),
  /** How often the outbox is polled when nothing wakes the worker. */
  ELWOSA_NOTIFY_OUTBOX_POLL_MS: env.positiveInt().min(10).max(600_000).default(2_000),
  /** A claimed row not finished within this time (crashed worker) is claimed again; keep it above the SMTP timeouts. */
  ELWOSA_NOTIFY_OUTBOX_LEASE_MS: env.positiveInt().min(1_000).max(3_600_000).default(120_000),
});
export type NotificationsEnv = z.output<typeof notificationsEnvSchema>;

export interface OutboxSettings {
  retry: RetryPolicy;
  pollMs: number;
  leaseMs: number;
  batchSize: number;
}

export interface NotificationSettings {
  scanIntervalMs: number;
  dueSoonWindowMs: number;
  outbox: OutboxSettings;
  smtp: { url: string | undefined; from: string };
}

export function notificationSettings(e: NotificationsEnv): NotificationSettings {
  return {
    scanIntervalMs: e.ELWOSA_NOTIFY_SCAN_INTERVAL_MS,
    dueSoonWindowMs: e.ELWOSA_NOTIFY_DUE_SOON_WINDOW_MS,
    outbox: {
      retry: {
        maxAttempts: e.ELWOSA_NOTIFY_OUTBOX_MAX_ATTEMPTS,
        baseDelayMs: e.ELWOSA_NOTIFY_OUTBOX_BACKOFF_MS,
        maxDelayMs: Math.max(e.ELWOSA_NOTIFY_OUTBOX_BACKOFF_MS, e.ELWOSA_NOTIFY_OUTBOX_BACKOFF_MAX_MS),
      },
      pollMs: e.ELWOSA_NOTIFY_OUTBOX_POLL_MS,
      leaseMs: e.ELWOSA_NOTIFY_OUTBOX_LEASE_MS,
      batchSize: 20,
    },
    smtp: { url: e.SMTP_URL, from: e.SMTP_FROM },
  };
}

// The outbox worker: claims due email rows, renders and sends each, and records the outcome —
// sent, retried later with backoff, or failed for good (permanent error or attempts used up).
import { type Logger, type Periodic, startPeriodic } from '@elwosa/runtime';
import type { OutboxSettings } from '../config.js';
import { renderEmail } from '../domain/email-template.js';
import { afterFailure, classifySendError, type FailureKind } from '../domain/retry-policy.js';
import type { NotificationMetrics } from '../metrics.js';
import type { NotificationsDb } from '../store/db.js';
import {
  type ClaimedDelivery,
  claimDue,
  markFailedAttempt,
  markSent,
  notificationOf,
} from '../store/outbox.js';
import type { Mailer } from './mailer.js';
import type { UserDirectory } from './user-directory.js';

export interface OutboxWorkerDeps {
  db: NotificationsDb;
  mailer: Mailer;
  directory: UserDirectory;
  settings: OutboxSettings;
  logger: Logger;
  metrics: NotificationMetrics;
  /** Unique per worker (lease owner). */
  workerId: string;
  now: () => Date;
  random?: () => number;
}

export const messageIdFor = (deliveryId: string): string => `<${deliveryId}@notifications.elwosa>`;

const describe = (err: unknown): string => {
  const e = err as { responseCode?: unknown; code?: unknown; message?: unknown } | null;
  const parts = [e?.responseCode, e?.code, e?.message].filter(
    (p) => p !== undefined && p !== null && p !== '',
  );
  return parts.length > 0 ? parts.map(String).join(' ') : String(err);
};

async function recordFailure(
  deps: OutboxWorkerDeps,
  delivery: ClaimedDelivery,
  kind: FailureKind,
  error: string,
): Promise<void> {
  const next = afterFailure(delivery.attempts, kind, deps.now(), deps.settings.retry, deps.random);
  const kept = await markFailedAttempt(deps.db, delivery, deps.workerId, next, error);
  const outcome = !kept ? 'lease_lost' : next.status === 'failed' ? 'failed' : 'retry';
  deps.metrics.emails.inc({ outcome });
  const log = next.status === 'failed' ? deps.logger.error : deps.logger.warn;
  log.call(
    deps.logger,
    { delivery: delivery.id, attempts: delivery.attempts, kind, error, outcome },
    next.status === 'failed' ? 'email delivery failed for good' : 'email delivery failed; will retry',
  );
}

/** One claimed row to its end state for this attempt. */
export async function deliver(deps: OutboxWorkerDeps, delivery: ClaimedDelivery): Promise<void> {
  const notification = await notificationOf(deps.db, delivery);
  if (!notification) return recordFailure(deps, delivery, 'permanent', 'notification no longer exists');
  let recipient: Awaited<ReturnType<UserDirectory['lookup']>>;
  try {
    recipient = await deps.directory.lookup(delivery.userId);
  } catch (err) {
    return recordFailure(deps, delivery, 'transient', `recipient lookup: ${describe(err)}`);
  }
  if (!recipient || recipient.disabled) {
    return recordFailure(deps, delivery, 'permanent', recipient ? 'recipient disabled' : 'recipient unknown');
  }
  const content = renderEmail({
    recipientName: recipient.name,
    title: notification.title,
    body: notification.body,
    createdAt: notification.createdAt,
  });
  try {
    await deps.mailer.send({ to: recipient.email, ...content, messageId: messageIdFor(delivery.id) });
  } catch (err) {
    return recordFailure(deps, delivery, classifySendError(err), describe(err));
  }
  const kept = await markSent(deps.db, delivery, deps.workerId, deps.now());
  deps.metrics.emails.inc({ outcome: kept ? 'sent' : 'lease_lost' });
  if (!kept) deps.logger.warn({ delivery: delivery.id }, 'email sent after its lease ran out');
}

/** Claims and delivers one batch; resolves true when the batch was full (more may be waiting). */
export async function deliverDue(deps: OutboxWorkerDeps): Promise<boolean> {
  const { leaseMs, batchSize } = deps.settings;
  const batch = await claimDue(deps.db, deps.workerId, { now: deps.now(), leaseMs, limit: batchSize });
  for (const delivery of batch) {
    try {
      await deliver(deps, delivery);
    } catch (err) {
      // Database trouble while recording: the lease runs out and the row is claimed again.
      deps.logger.warn({ err, delivery: delivery.id }, 'email delivery not recorded');
    }
  }
  return batch.length === batchSize;
}

export function startOutboxWorker(deps: OutboxWorkerDeps): Periodic {
  return startPeriodic({
    name: 'email-outbox',
    logger: deps.logger,
    run: () => deliverDue(deps),
    delayMs: () => deps.settings.pollMs,
  });
}

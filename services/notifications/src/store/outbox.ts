// The email outbox. Workers claim due rows with a lease (UPDATE … WHERE id IN (SELECT … FOR
// UPDATE SKIP LOCKED)), so concurrent workers and replicas never take the same row, and no
// transaction stays open while the SMTP server is talked to. A row whose lease ran out (its
// worker died) is claimed again. Every update after the claim is guarded by the claimant's id.
import type { AfterFailure } from '../domain/retry-policy.js';
import type { Notification } from '../generated/prisma/client.js';
import type { NotificationsDb } from './db.js';

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed';

export interface ClaimedDelivery {
  id: string;
  notificationId: string;
  userId: string;
  /** Attempts including this one. */
  attempts: number;
}

export async function claimDue(
  db: NotificationsDb,
  worker: string,
  options: { now: Date; leaseMs: number; limit: number },
): Promise<ClaimedDelivery[]> {
  const { now, leaseMs, limit } = options;
  const leaseEnd = new Date(now.getTime() + leaseMs);
  return db.$queryRaw<ClaimedDelivery[]>`
    UPDATE "notifications"."email_outbox"
       SET "status" = 'sending', "attempts" = "attempts" + 1, "locked_by" = ${worker},
           "locked_until" = ${leaseEnd}, "updated_at" = ${now}
     WHERE "id" IN (
       SELECT "id" FROM "notifications"."email_outbox"
        WHERE ("status" = 'pending' AND "next_attempt_at" <= ${now})
           OR ("status" = 'sending' AND "locked_until" < ${now})
        ORDER BY "next_attempt_at"
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED)
    RETURNING "id", "notification_id" AS "notificationId", "user_id" AS "userId", "attempts"`;
}

export function notificationOf(db: NotificationsDb, delivery: ClaimedDelivery): Promise<Notification | null> {
  return db.notification.findUnique({ where: { id: delivery.notificationId } });
}

const claimedBy = (delivery: ClaimedDelivery, worker: string) => ({
  id: delivery.id,
  status: 'sending',
  lockedBy: worker,
});
const released = { lockedBy: null, lockedUntil: null };

/** Resolves false when the lease was lost (another worker took the row over). */
export async function markSent(
  db: NotificationsDb,
  delivery: ClaimedDelivery,
  worker: string,
  now: Date,
): Promise<boolean> {
  const result = await db.emailOutbox.updateMany({
    where: claimedBy(delivery, worker),
    data: { status: 'sent', sentAt: now, lastError: null, ...released },
  });
  return result.count === 1;
}

export async function markFailedAttempt(
  db: NotificationsDb,
  delivery: ClaimedDelivery,
  worker: string,
  next: AfterFailure,
  error: string,
): Promise<boolean> {
  const result = await db.emailOutbox.updateMany({
    where: claimedBy(delivery, worker),
    data: {
      status: next.status,
      lastError: error.slice(0, 1000),
      ...(next.status === 'pending' ? { nextAttemptAt: next.nextAttemptAt } : {}),
      ...released,
    },
  });
  return result.count === 1;
}

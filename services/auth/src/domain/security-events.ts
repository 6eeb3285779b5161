// Security events on the durable `auth.security` stream, consumed by notifications (new login,
// MFA changed, refresh-token reuse, password changed), at least once: an event is written to the
// outbox (store/security-outbox.ts) in the transaction of the change it reports, together with its
// audit entry (audited-changes.ts), then published and removed. A publish that fails makes it due
// at once; a process that dies before publishing leaves it due after the grace period; the relay
// (relaySecurityEvents, a schedule) publishes due events. Every publish carries the event's own
// id (`data.eventId`) and original time, so a consumer recognises a repeat.
import { type CacheBus, drainBatches, emitDomainEvent } from '@elwosa/runtime';
import type { AuthDb } from '../store/db.js';
import { claimDueEvents, type OutboxEvent, removeEvents } from '../store/security-outbox.js';

export const SECURITY_EVENT_FAMILY = 'auth.security';

export type SecurityEventType =
  | 'login.new'
  | 'mfa.enabled'
  | 'mfa.disabled'
  | 'refresh.reuse_detected'
  | 'password.changed';

export interface SecurityEvent {
  type: SecurityEventType;
  userId: string;
  data?: Record<string, unknown>;
}

/** Publishes an outbox event with its own id and original time. */
export function publishSecurityEvent(cache: CacheBus, event: OutboxEvent): Promise<string> {
  return emitDomainEvent(cache, SECURITY_EVENT_FAMILY, {
    type: event.type,
    userId: event.userId,
    at: event.createdAt.toISOString(),
    data: { ...event.data, eventId: event.id },
  });
}

/** Events published per transaction by the relay. */
export const RELAY_BATCH_SIZE = 100;

/** Publishes every due event, oldest first, and removes it; resolves how many were published. */
export async function relaySecurityEvents(
  deps: { db: AuthDb; cache: CacheBus; now: () => Date },
  stopped: () => boolean = () => false,
  batchSize = RELAY_BATCH_SIZE,
): Promise<number> {
  return drainBatches(
    () =>
      deps.db.$transaction(async (tx) => {
        const due = await claimDueEvents(tx, deps.now(), batchSize);
        // In order, one after the other: a failure keeps this batch (and its order) for the next run.
        for (const event of due) await publishSecurityEvent(deps.cache, event);
        await removeEvents(
          tx,
          due.map((e) => e.id),
        );
        return due.length;
      }),
    batchSize,
    stopped,
  );
}

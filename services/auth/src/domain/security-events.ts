// Security events on the durable `auth.security` stream, consumed by notifications (new login,
// MFA changed, refresh-token reuse, password changed), at least once: an event is written to the
// outbox (store/security-outbox.ts) in the transaction of its audit entry — for MFA changes, the
// transaction of the change itself — then published and removed. A publish that fails makes it
// due at once; a process that dies before publishing leaves it due after the grace period; the
// relay (relaySecurityEvents, a schedule) publishes due events. Every publish carries the event's
// own id (`data.eventId`) and original time, so a consumer recognises a repeat.
import { randomUUID } from 'node:crypto';
import { type CacheBus, emitDomainEvent, type Logger } from '@elwosa/runtime';
import type { Prisma } from '../generated/prisma/client.js';
import { type AuditContext, type AuditEntry, auditWrite } from '../store/audit-log.js';
import type { AuthDb } from '../store/db.js';
import {
  claimDueEvents,
  makeEventDue,
  type OutboxEvent,
  outboxWrite,
  removeEvents,
} from '../store/security-outbox.js';

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

export interface SecurityEvents {
  /**
   * Writes the audit entry and the event in one transaction, together with `change` (writes of
   * the change itself) when given, then publishes the event. Throws when the transaction fails;
   * a failed publish is left to the relay.
   */
  record(
    client: AuditContext,
    audit: AuditEntry,
    event: SecurityEvent,
    change?: readonly Prisma.PrismaPromise<unknown>[],
  ): Promise<void>;
}

export interface SecurityEventsOptions {
  db: AuthDb;
  cache: CacheBus;
  logger: Logger;
  now?: () => Date;
  /** Called when a publish failed and the event was left to the relay. */
  onDeferred?: () => void;
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

export function createSecurityEvents(options: SecurityEventsOptions): SecurityEvents {
  const { db, cache, logger } = options;
  const now = options.now ?? (() => new Date());
  return {
    async record(client, audit, event, change = []) {
      const stored: OutboxEvent = {
        id: randomUUID(),
        type: event.type,
        userId: event.userId,
        data: event.data ?? {},
        createdAt: now(),
      };
      await db.$transaction([...change, auditWrite(db, client, audit), outboxWrite(db, stored)]);
      try {
        await publishSecurityEvent(cache, stored);
      } catch (err) {
        await makeEventDue(db, stored.id, now()).catch(() => undefined);
        logger.warn({ err: String(err), type: event.type }, 'security event not published; the relay will');
        options.onDeferred?.();
        return;
      }
      // Published: a failed removal only means one repeat by the relay, which consumers recognise.
      await removeEvents(db, [stored.id]).catch((err: unknown) =>
        logger.warn({ err: String(err) }, 'security event outbox: removal failed'),
      );
    },
  };
}

/** Events published per transaction by the relay. */
export const RELAY_BATCH_SIZE = 100;

/** Publishes every due event, oldest first, and removes it; resolves how many were published. */
export async function relaySecurityEvents(
  deps: { db: AuthDb; cache: CacheBus; now: () => Date },
  stopped: () => boolean = () => false,
  batchSize = RELAY_BATCH_SIZE,
): Promise<number> {
  let total = 0;
  for (;;) {
    const published = await deps.db.$transaction(async (tx) => {
      const due = await claimDueEvents(tx, deps.now(), batchSize);
      // In order, one after the other: a failure keeps this batch (and its order) for the next run.
      for (const event of due) await publishSecurityEvent(deps.cache, event);
      await removeEvents(
        tx,
        due.map((e) => e.id),
      );
      return due.length;
    });
    total += published;
    if (published < batchSize || stopped()) return total;
  }
}

// The security-event outbox (migration 20261122200000): an event is written with its audit entry
// and removed once published; the relay claims due events FOR UPDATE SKIP LOCKED, so replicas
// never publish one twice at the same time.
import { outboxDueAt } from '@elwosa/runtime';
import type { AuthDb, Tx } from './db.js';

export interface OutboxEvent {
  id: string;
  type: string;
  userId: string;
  data: Record<string, unknown>;
  createdAt: Date;
}

/** The event's insert, in the transaction of its change and audit entry. */
export function outboxWrite(db: AuthDb | Tx, event: OutboxEvent) {
  return db.securityEventOutbox.create({
    data: {
      ...event,
      data: event.data as object,
      dueAt: outboxDueAt(event.createdAt),
    },
  });
}

export async function removeEvents(db: AuthDb | Tx, ids: readonly string[]): Promise<void> {
  await db.securityEventOutbox.deleteMany({ where: { id: { in: [...ids] } } });
}

/** Makes the event due at `now`: its publish failed, the relay need not wait. */
export async function makeEventDue(db: AuthDb, id: string, now: Date): Promise<void> {
  await db.securityEventOutbox.updateMany({ where: { id, dueAt: { gt: now } }, data: { dueAt: now } });
}

/** Claims up to `limit` events due at `now`, oldest first. */
export async function claimDueEvents(tx: Tx, now: Date, limit: number): Promise<OutboxEvent[]> {
  const rows = await tx.$queryRaw<Array<OutboxEvent>>`
    SELECT id, type, user_id AS "userId", data, created_at AS "createdAt"
      FROM "auth"."security_event_outbox"
     WHERE due_at <= ${now}
     ORDER BY created_at, id
     LIMIT ${limit}
     FOR UPDATE SKIP LOCKED`;
  return rows;
}

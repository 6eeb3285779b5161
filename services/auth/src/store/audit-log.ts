// The append-only audit log: security events with who, what, when, IP, user agent and request id.
import type { AuthDb, Tx } from './db.js';

export type AuditEventName =
  | 'user.registered'
  | 'login.succeeded'
  | 'login.failed'
  | 'login.locked'
  | 'mfa.challenge.failed'
  | 'mfa.enabled'
  | 'mfa.disabled'
  | 'refresh.reuse_detected'
  | 'session.revoked'
  | 'logout'
  | 'password.changed'
  | 'profile.updated'
  | 'role.changed'
  | 'user.disabled'
  | 'user.enabled'
  | 'api_key.created'
  | 'api_key.revoked';

export interface AuditContext {
  ip: string;
  userAgent: string;
  requestId: string;
}

export interface AuditEntry {
  event: AuditEventName;
  outcome: 'success' | 'failure';
  userId?: string | null;
  actorId?: string | null;
  email?: string | null;
  details?: Record<string, unknown>;
}

/** The audit entry's insert, to await or to run in a batch transaction with other writes. */
export function auditWrite(db: AuthDb | Tx, ctx: AuditContext, entry: AuditEntry) {
  return db.auditEvent.create({
    data: {
      event: entry.event,
      outcome: entry.outcome,
      userId: entry.userId ?? null,
      actorId: entry.actorId ?? null,
      email: entry.email ?? null,
      ip: ctx.ip,
      userAgent: ctx.userAgent.slice(0, 512),
      requestId: ctx.requestId,
      details: (entry.details ?? {}) as object,
    },
  });
}

export async function appendAudit(db: AuthDb | Tx, ctx: AuditContext, entry: AuditEntry): Promise<void> {
  await auditWrite(db, ctx, entry);
}

export async function auditPage(db: AuthDb, cursor: string | undefined, limit: number) {
  const rows = await db.auditEvent.findMany({
    where: cursor ? { id: { lt: BigInt(cursor) } } : {},
    orderBy: { id: 'desc' },
    take: limit + 1,
  });
  const items = rows.slice(0, limit);
  return {
    items: items.map((r) => ({
      id: r.id.toString(),
      at: r.at.toISOString(),
      event: r.event,
      outcome: r.outcome,
      userId: r.userId,
      actorId: r.actorId,
      ip: r.ip,
      userAgent: r.userAgent,
      requestId: r.requestId,
      details: r.details as Record<string, unknown>,
    })),
    nextCursor: rows.length > limit ? (items.at(-1)?.id.toString() ?? null) : null,
  };
}

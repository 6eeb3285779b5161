// Every security-relevant change commits together with its audit entry and, where it has one, its
// security event (security-events.ts): one transaction, so a crash or a failed write can never
// leave a change without its audit entry, an audit entry without its change, or a change whose
// user is never told. What belongs in the shared cache (a revoked session's tombstone, an
// active session) is written after the commit (`afterCommit`); then the event is published.
import { randomUUID } from 'node:crypto';
import type { CacheBus, Logger } from '@elwosa/runtime';
import { type AuditContext, type AuditEntry, auditWrite } from '../store/audit-log.js';
import type { AuthDb, Tx } from '../store/db.js';
import { makeEventDue, type OutboxEvent, outboxWrite, removeEvents } from '../store/security-outbox.js';
import { publishSecurityEvent, type SecurityEvent } from './security-events.js';

/** What a change leaves in the audit log, and the security event it raises, if any. */
export interface AuditRecord {
  audit: AuditEntry;
  event?: SecurityEvent;
}

export interface CommitOptions<T> {
  /** Cache writes that follow the commit; the event is published even when they fail. */
  afterCommit?: (result: T) => Promise<void>;
  /** The transaction's timeout in ms (Prisma's default otherwise). */
  timeout?: number;
}

export interface AuditedChanges {
  /**
   * Runs `change` in a transaction and writes, in the same transaction, the audit record that
   * `describe` makes of its result (none when it returns undefined); after the commit runs
   * `afterCommit`, then publishes the event. A change that throws writes nothing.
   */
  commit<T>(
    client: AuditContext,
    change: (tx: Tx) => Promise<T>,
    describe: (result: T) => AuditRecord | undefined,
    options?: CommitOptions<T>,
  ): Promise<T>;
}

export interface AuditedChangesOptions {
  db: AuthDb;
  cache: CacheBus;
  logger: Logger;
  now?: () => Date;
  /** Called when a publish failed and the event was left to the relay. */
  onDeferred?: () => void;
}

export function createAuditedChanges(options: AuditedChangesOptions): AuditedChanges {
  const { db, cache, logger } = options;
  const now = options.now ?? (() => new Date());

  /** Writes the audit entry and the event's outbox row with `tx`; returns the event to publish. */
  async function stage(tx: Tx, client: AuditContext, record: AuditRecord): Promise<OutboxEvent | undefined> {
    await auditWrite(tx, client, record.audit);
    if (!record.event) return undefined;
    const stored: OutboxEvent = {
      id: randomUUID(),
      type: record.event.type,
      userId: record.event.userId,
      data: record.event.data ?? {},
      createdAt: now(),
    };
    await outboxWrite(tx, stored);
    return stored;
  }

  /** Publishes a committed event and removes it; never throws: a failed publish is left to the relay at once. */
  async function publish(event: OutboxEvent | undefined): Promise<void> {
    if (!event) return;
    try {
      await publishSecurityEvent(cache, event);
    } catch (err) {
      await makeEventDue(db, event.id, now()).catch((dueErr: unknown) =>
        logger.warn(
          { err: String(dueErr) },
          'security event outbox: making the event due failed; due after the grace period',
        ),
      );
      logger.warn({ err: String(err), type: event.type }, 'security event not published; the relay will');
      options.onDeferred?.();
      return;
    }
    // Published: a failed removal only means one repeat by the relay, which consumers recognise.
    await removeEvents(db, [event.id]).catch((err: unknown) =>
      logger.warn({ err: String(err) }, 'security event outbox: removal failed'),
    );
  }

  return {
    async commit(client, change, describe, commitOptions = {}) {
      const { result, event } = await db.$transaction(
        async (tx) => {
          const result = await change(tx);
          const record = describe(result);
          return { result, event: record ? await stage(tx, client, record) : undefined };
        },
        commitOptions.timeout === undefined ? undefined : { timeout: commitOptions.timeout },
      );
      try {
        await commitOptions.afterCommit?.(result);
      } finally {
        await publish(event);
      }
      return result;
    },
  };
}

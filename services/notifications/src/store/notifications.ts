// Notification rows: idempotent creation (with the email outbox row in the same transaction)
// and the owner-scoped inbox queries. Every query filters by userId.
import type { CursorPosition } from '../domain/cursor.js';
import type { Notification } from '../generated/prisma/client.js';
import { isUniqueViolation, type NotificationsDb } from './db.js';

export interface NotificationDraft {
  userId: string;
  type: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  /** Unique per user: a second draft with the same key creates nothing. */
  dedupeKey: string;
}

/** Creates the notification (listed when `inApp`) and, when `email`, its outbox row; undefined for a duplicate. */
export async function createNotification(
  db: NotificationsDb,
  draft: NotificationDraft,
  channels: { inApp: boolean; email: boolean },
): Promise<Notification | undefined> {
  try {
    return await db.$transaction(async (tx) => {
      const row = await tx.notification.create({
        data: {
          userId: draft.userId,
          type: draft.type,
          title: draft.title,
          body: draft.body,
          data: draft.data as object,
          dedupeKey: draft.dedupeKey,
          inApp: channels.inApp,
        },
      });
      if (channels.email) {
        await tx.emailOutbox.create({
          data: { notificationId: row.id, userId: draft.userId, channel: 'email' },
        });
      }
      return row;
    });
  } catch (err) {
    if (isUniqueViolation(err)) return undefined;
    throw err;
  }
}

const inbox = (userId: string) => ({ userId, inApp: true });

export async function listNotifications(
  db: NotificationsDb,
  userId: string,
  options: { after: CursorPosition | undefined; limit: number; unreadOnly: boolean },
): Promise<{ rows: Notification[]; more: boolean }> {
  const { after, limit, unreadOnly } = options;
  const rows = await db.notification.findMany({
    where: {
      ...inbox(userId),
      ...(unreadOnly ? { readAt: null } : {}),
      ...(after
        ? {
            OR: [
              { createdAt: { lt: after.createdAt } },
              { createdAt: after.createdAt, id: { lt: after.id } },
            ],
          }
        : {}),
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: limit + 1,
  });
  return { rows: rows.slice(0, limit), more: rows.length > limit };
}

export function countUnread(db: NotificationsDb, userId: string): Promise<number> {
  return db.notification.count({ where: { ...inbox(userId), readAt: null } });
}

/** Marks one of the user's notifications read (keeping an earlier read time); undefined when it is not theirs. */
export async function markRead(
  db: NotificationsDb,
  userId: string,
  id: string,
  now: Date,
): Promise<Notification | undefined> {
  await db.notification.updateMany({ where: { ...inbox(userId), id, readAt: null }, data: { readAt: now } });
  return (await db.notification.findFirst({ where: { ...inbox(userId), id } })) ?? undefined;
}

export async function markAllRead(
  db: NotificationsDb,
  userId: string,
  before: Date | undefined,
  now: Date,
): Promise<number> {
  const result = await db.notification.updateMany({
    where: { ...inbox(userId), readAt: null, ...(before ? { createdAt: { lte: before } } : {}) },
    data: { readAt: now },
  });
  return result.count;
}

// The signed-in user's notifications and preferences. Another user's notification is 404.
import { problems } from '@elwosa/runtime';
import type { NotificationDto } from '../api.js';
import { toNotificationDto } from '../store/db.js';
import { countUnread, listNotifications, markAllRead, markRead } from '../store/notifications.js';
import { loadPreferences, savePreferences } from '../store/preferences.js';
import type { PreferenceMatrix } from './catalogue.js';
import type { NotificationsContext } from './context.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { type PreferencePatch, preferenceChanges, resolvePreferences } from './preferences.js';

export async function listInbox(
  ctx: NotificationsContext,
  userId: string,
  query: { cursor?: string | undefined; limit: number; unread?: boolean | undefined },
): Promise<{ items: NotificationDto[]; nextCursor: string | null }> {
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  if (query.cursor !== undefined && !after) throw problems.badRequest('invalid cursor');
  const { rows, more } = await listNotifications(ctx.db, userId, {
    after,
    limit: query.limit,
    unreadOnly: query.unread === true,
  });
  const last = rows.at(-1);
  return {
    items: rows.map(toNotificationDto),
    nextCursor: more && last ? encodeCursor(last) : null,
  };
}

export const unreadCount = (ctx: NotificationsContext, userId: string): Promise<number> =>
  countUnread(ctx.db, userId);

export async function readOne(
  ctx: NotificationsContext,
  userId: string,
  id: string,
): Promise<NotificationDto> {
  const row = await markRead(ctx.db, userId, id, ctx.now());
  if (!row) throw problems.notFound('no such notification');
  return toNotificationDto(row);
}

export const readAll = (
  ctx: NotificationsContext,
  userId: string,
  before: string | undefined,
): Promise<number> =>
  markAllRead(ctx.db, userId, before === undefined ? undefined : new Date(before), ctx.now());

export async function getPreferences(ctx: NotificationsContext, userId: string): Promise<PreferenceMatrix> {
  return resolvePreferences(await loadPreferences(ctx.db, userId));
}

export async function updatePreferences(
  ctx: NotificationsContext,
  userId: string,
  patch: PreferencePatch,
): Promise<PreferenceMatrix> {
  await savePreferences(ctx.db, userId, preferenceChanges(patch));
  return getPreferences(ctx, userId);
}

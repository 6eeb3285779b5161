// Creating a notification: the user's preferences choose the channels, creation is idempotent
// per dedupe key, the in-app one is pushed to the user's live connections, the email one is
// queued in the outbox (same transaction) for the worker.
import { publishUserEvent } from '@elwosa/runtime';
import type { NotificationDto } from '../api.js';
import { toNotificationDto } from '../store/db.js';
import { createNotification, type NotificationDraft } from '../store/notifications.js';
import { loadPreferences } from '../store/preferences.js';
import type { NotificationType } from './catalogue.js';
import type { NotificationsContext } from './context.js';
import { channelsFor, resolvePreferences } from './preferences.js';

export const NOTIFICATION_CREATED = 'notification.created';

export type Draft = NotificationDraft & { type: NotificationType };

/** The created notification, or undefined when it existed already or the user wants it nowhere. */
export async function notify(ctx: NotificationsContext, draft: Draft): Promise<NotificationDto | undefined> {
  const channels = channelsFor(resolvePreferences(await loadPreferences(ctx.db, draft.userId)), draft.type);
  const inApp = channels.includes('in_app');
  const email = channels.includes('email');
  if (!inApp && !email) return undefined;
  const row = await createNotification(ctx.db, draft, { inApp, email });
  if (!row) return undefined;
  ctx.metrics.created.inc({ type: draft.type });
  const dto = toNotificationDto(row);
  if (inApp) {
    try {
      await publishUserEvent(ctx.cache, draft.userId, NOTIFICATION_CREATED, dto);
    } catch (err) {
      // Stored and listed anyway; a client that missed the push sees it on its next list.
      ctx.logger.warn({ err: String(err), id: dto.id }, 'notification not pushed');
    }
  }
  if (email) ctx.emailQueued();
  return dto;
}

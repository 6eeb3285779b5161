// Security events from auth (durable `auth.security` stream) become notifications.
import { consumeDomainEvents, type StreamConsumer } from '@elwosa/runtime';
import { z } from 'zod';
import type { NotificationsContext } from '../domain/context.js';
import { notify } from '../domain/notify.js';
import { isTooOldToAlert, securityAlert, securityKey } from '../domain/security-alerts.js';
import { CONSUMER_GROUP } from './task-events.js';

export const SECURITY_FAMILY = 'auth.security';
const userIdSchema = z.uuid();

export function consumeSecurityEvents(ctx: NotificationsContext, consumer: string): Promise<StreamConsumer> {
  return consumeDomainEvents(ctx.cache, SECURITY_FAMILY, CONSUMER_GROUP, consumer, async (event) => {
    const alert = securityAlert(event.type, event.data);
    const { id, userId } = event;
    if (!alert || !id || !userIdSchema.safeParse(userId).success || isTooOldToAlert(event.at, ctx.now())) {
      ctx.logger.debug({ id, type: event.type }, 'security event ignored');
      return;
    }
    await notify(ctx, { userId, ...alert, dedupeKey: securityKey(id, event.data) });
  });
}

// Binds the notifications API (api.ts) to the use cases.
import type { RouteBinder } from '@elwosa/runtime';
import type { Router } from 'express';
import { notificationRoutes } from '../api.js';
import type { NotificationsContext } from '../domain/context.js';
import {
  getPreferences,
  listInbox,
  readAll,
  readOne,
  unreadCount,
  updatePreferences,
} from '../domain/inbox.js';

const noStore = { 'Cache-Control': 'no-store' };

export function bindNotificationRoutes(router: Router, binder: RouteBinder, ctx: NotificationsContext): void {
  const r = notificationRoutes;
  binder.bind(router, r.list, async ({ identity, query }) => ({
    body: await listInbox(ctx, identity.userId, query),
    headers: noStore,
  }));
  binder.bind(router, r.unreadCount, async ({ identity }) => ({
    body: { count: await unreadCount(ctx, identity.userId) },
    headers: noStore,
  }));
  binder.bind(router, r.markRead, async ({ identity, params }) => ({
    body: await readOne(ctx, identity.userId, params.id),
  }));
  binder.bind(router, r.markAllRead, async ({ identity, body }) => ({
    body: { updated: await readAll(ctx, identity.userId, body.before) },
  }));
  binder.bind(router, r.getPreferences, async ({ identity }) => ({
    body: await getPreferences(ctx, identity.userId),
    headers: noStore,
  }));
  binder.bind(router, r.updatePreferences, async ({ identity, body }) => ({
    body: await updatePreferences(ctx, identity.userId, body),
  }));
}

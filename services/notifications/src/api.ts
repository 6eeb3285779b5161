// The notifications service's HTTP API as data: request and response schemas and route specs.
// The service binds handlers to these; the gateway builds the OpenAPI document from them.
import { defineRoute, type RouteSpec } from '@elwosa/runtime';
import { z } from 'zod';
import { CHANNELS, NOTIFICATION_TYPES } from './domain/catalogue.js';

export const MAX_PAGE_SIZE = 100;

export const ListQuery = z
  .object({
    cursor: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,128}$/, 'invalid cursor')
      .optional(),
    limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
    unread: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
  })
  .strict();
export const IdParams = z.object({ id: z.uuid() }).strict();
export const ReadAllBody = z.object({ before: z.iso.datetime({ offset: true }).optional() }).strict();

const ChannelChoice = z.object({ in_app: z.boolean(), email: z.boolean() }).strict();
const ChannelPatch = z.object({ in_app: z.boolean().optional(), email: z.boolean().optional() }).strict();
export const PreferencesDto = z.object(
  Object.fromEntries(NOTIFICATION_TYPES.map((t) => [t, ChannelChoice])) as Record<
    (typeof NOTIFICATION_TYPES)[number],
    typeof ChannelChoice
  >,
);
export const PreferencesPatch = z
  .object(
    Object.fromEntries(NOTIFICATION_TYPES.map((t) => [t, ChannelPatch.optional()])) as Record<
      (typeof NOTIFICATION_TYPES)[number],
      z.ZodOptional<typeof ChannelPatch>
    >,
  )
  .strict();

export const NotificationDto = z.object({
  id: z.uuid(),
  userId: z.uuid(),
  type: z.enum(NOTIFICATION_TYPES),
  title: z.string(),
  body: z.string(),
  data: z.record(z.string(), z.unknown()),
  readAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
});
export type NotificationDto = z.infer<typeof NotificationDto>;

export const NotificationPage = z.object({
  items: z.array(NotificationDto),
  nextCursor: z.string().nullable(),
});

const tags = ['notifications'];
const read = { permission: 'notifications:read' } as const;
const write = { permission: 'notifications:write' } as const;
const notFound = { description: 'No such notification of this user' };

export const notificationRoutes = {
  list: defineRoute({
    operationId: 'listNotifications',
    method: 'get',
    path: '/api/notifications',
    summary: 'The signed-in user’s in-app notifications, newest first, with a keyset cursor',
    tags,
    auth: read,
    query: ListQuery,
    responses: { 200: { description: 'A page of notifications', schema: NotificationPage } },
  }),
  unreadCount: defineRoute({
    operationId: 'countUnreadNotifications',
    method: 'get',
    path: '/api/notifications/unread-count',
    summary: 'How many in-app notifications are unread',
    tags,
    auth: read,
    responses: { 200: { description: 'Unread count', schema: z.object({ count: z.number().int() }) } },
  }),
  markRead: defineRoute({
    operationId: 'markNotificationRead',
    method: 'patch',
    path: '/api/notifications/:id/read',
    summary: 'Mark one notification read (idempotent: the first read time is kept)',
    tags,
    auth: write,
    params: IdParams,
    responses: { 200: { description: 'The notification', schema: NotificationDto }, 404: notFound },
  }),
  markAllRead: defineRoute({
    operationId: 'markAllNotificationsRead',
    method: 'post',
    path: '/api/notifications/read-all',
    summary: 'Mark every unread notification read, or only those created at or before `before`',
    tags,
    auth: write,
    body: ReadAllBody,
    responses: {
      200: { description: 'How many were marked', schema: z.object({ updated: z.number().int() }) },
    },
  }),
  getPreferences: defineRoute({
    operationId: 'getNotificationPreferences',
    method: 'get',
    path: '/api/notifications/preferences',
    summary: `Channels (${CHANNELS.join(', ')}) per notification type, defaults included`,
    tags,
    auth: read,
    responses: { 200: { description: 'Preferences', schema: PreferencesDto } },
  }),
  updatePreferences: defineRoute({
    operationId: 'updateNotificationPreferences',
    method: 'patch',
    path: '/api/notifications/preferences',
    summary: 'Change channels for some notification types; returns all preferences',
    tags,
    auth: write,
    body: PreferencesPatch,
    responses: { 200: { description: 'Preferences', schema: PreferencesDto } },
  }),
} as const;

export const notificationRouteSpecs: readonly RouteSpec[] = Object.values(notificationRoutes);

// The notifications service's Prisma client type and the row → DTO mapping. Nothing outside
// this service reads these tables.
import type { NotificationDto } from '../api.js';
import type { NotificationType } from '../domain/catalogue.js';
import type { Notification, PrismaClient } from '../generated/prisma/client.js';

export type NotificationsDb = PrismaClient;

export function toNotificationDto(row: Notification): NotificationDto {
  return {
    id: row.id,
    userId: row.userId,
    type: row.type as NotificationType,
    title: row.title,
    body: row.body,
    data: (row.data ?? {}) as Record<string, unknown>,
    readAt: row.readAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

/** Prisma's unique-constraint violation. */
export const isUniqueViolation = (err: unknown): boolean => (err as { code?: unknown })?.code === 'P2002';

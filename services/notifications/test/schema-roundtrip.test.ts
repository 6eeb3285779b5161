// Every notifications model round-trips through Prisma against the migrated schema (real
// PostgreSQL when reachable, embedded PGlite always), so the Prisma schema and the SQL
// migrations cannot drift.
import { describe, expect, it } from 'vitest';
import { databaseKinds, useMigratedClient } from '../../../test-support/migrated-client.ts';
import type { PrismaClient } from '../src/generated/prisma/client.js';
import { notificationsDatabase } from '../src/service.js';

describe.each(databaseKinds())('notifications schema round trip (%s)', (kind) => {
  let db: PrismaClient;

  useMigratedClient(kind, notificationsDatabase, (client) => {
    db = client;
  });

  it('writes and reads back every model with every field', async () => {
    const now = new Date('2026-01-02T03:04:05.678Z');
    const userId = '11111111-2222-4333-8444-555555555555';
    const notification = await db.notification.create({
      data: {
        userId,
        type: 'task.due_soon',
        title: 'Title',
        body: 'Body',
        data: { taskId: 'x', nested: { list: [1, 2] } },
        dedupeKey: 'task.due_soon:x:2026',
        inApp: false,
        readAt: now,
        createdAt: now,
      },
    });
    expect(await db.notification.findUniqueOrThrow({ where: { id: notification.id } })).toEqual(notification);
    await expect(
      db.notification.create({
        data: { userId, type: 't', title: 't', body: 'b', dedupeKey: 'task.due_soon:x:2026' },
      }),
    ).rejects.toMatchObject({ code: 'P2002' });

    const preference = await db.preference.create({
      data: { userId, type: 'task.due_soon', channel: 'email', enabled: false },
    });
    expect(
      await db.preference.findUniqueOrThrow({
        where: { userId_type_channel: { userId, type: 'task.due_soon', channel: 'email' } },
      }),
    ).toEqual(preference);

    const outbox = await db.emailOutbox.create({
      data: {
        notificationId: notification.id,
        userId,
        channel: 'email',
        status: 'sending',
        attempts: 3,
        nextAttemptAt: now,
        lockedBy: 'worker-1',
        lockedUntil: now,
        lastError: '451 busy',
        sentAt: now,
      },
    });
    expect(await db.emailOutbox.findUniqueOrThrow({ where: { id: outbox.id } })).toEqual(outbox);
    await expect(
      db.emailOutbox.create({ data: { notificationId: notification.id, userId, channel: 'email' } }),
    ).rejects.toMatchObject({ code: 'P2002' });

    const reminder = await db.dueReminder.create({
      data: {
        taskId: '66666666-7777-4888-8999-000000000000',
        userId,
        title: 'Pay rent',
        dueAt: now,
        taskVersion: 7,
        notifiedDueAt: now,
      },
    });
    expect(await db.dueReminder.findUniqueOrThrow({ where: { taskId: reminder.taskId } })).toEqual(reminder);

    await db.notification.delete({ where: { id: notification.id } });
    expect(await db.emailOutbox.count()).toBe(0);
  });
});

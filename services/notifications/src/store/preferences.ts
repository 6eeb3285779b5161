// Stored preference choices (only what differs from nothing: rows exist once a user set them).
import type { PreferenceChange, StoredPreference } from '../domain/preferences.js';
import type { NotificationsDb } from './db.js';

export function loadPreferences(db: NotificationsDb, userId: string): Promise<StoredPreference[]> {
  return db.preference.findMany({ where: { userId }, select: { type: true, channel: true, enabled: true } });
}

export async function savePreferences(
  db: NotificationsDb,
  userId: string,
  changes: readonly PreferenceChange[],
): Promise<void> {
  if (changes.length === 0) return;
  await db.$transaction(
    changes.map(({ type, channel, enabled }) =>
      db.preference.upsert({
        where: { userId_type_channel: { userId, type, channel } },
        create: { userId, type, channel, enabled },
        update: { enabled },
      }),
    ),
  );
}

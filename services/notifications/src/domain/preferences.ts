// Preference resolution: the stored per-user choices laid over the defaults (pure).
import {
  CHANNELS,
  type Channel,
  type ChannelChoice,
  DEFAULT_PREFERENCES,
  isChannel,
  isNotificationType,
  NOTIFICATION_TYPES,
  type NotificationType,
  type PreferenceMatrix,
} from './catalogue.js';

export interface StoredPreference {
  type: string;
  channel: string;
  enabled: boolean;
}

export interface PreferenceChange {
  type: NotificationType;
  channel: Channel;
  enabled: boolean;
}

export type PreferencePatch = Partial<Record<NotificationType, Partial<ChannelChoice> | undefined>>;

/** Defaults overlaid with the user's stored choices; rows for retired types or channels are ignored. */
export function resolvePreferences(rows: readonly StoredPreference[]): PreferenceMatrix {
  const matrix = Object.fromEntries(
    NOTIFICATION_TYPES.map((t) => [t, { ...DEFAULT_PREFERENCES[t] }]),
  ) as PreferenceMatrix;
  for (const row of rows) {
    if (isNotificationType(row.type) && isChannel(row.channel)) matrix[row.type][row.channel] = row.enabled;
  }
  return matrix;
}

/** The channels a notification of `type` goes to. */
export function channelsFor(matrix: PreferenceMatrix, type: NotificationType): Channel[] {
  return CHANNELS.filter((c) => matrix[type][c]);
}

/** A partial update as individual (type, channel) choices. */
export function preferenceChanges(patch: PreferencePatch): PreferenceChange[] {
  return NOTIFICATION_TYPES.flatMap((type) => {
    const choice = patch[type];
    if (!choice) return [];
    return CHANNELS.flatMap((channel) => {
      const enabled = choice[channel];
      return enabled === undefined ? [] : [{ type, channel, enabled }];
    });
  });
}

// The notification types this service sends, the channels it delivers them on, and the default
// channel choice for each type (what a user gets before touching their preferences).

export const CHANNELS = ['in_app', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];

export const NOTIFICATION_TYPES = [
  'task.due_soon',
  'security.new_login',
  'security.mfa_changed',
  'security.token_reuse',
  'security.password_changed',
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

export type ChannelChoice = Record<Channel, boolean>;
export type PreferenceMatrix = Record<NotificationType, ChannelChoice>;

const everywhere: ChannelChoice = { in_app: true, email: true };

/** Defaults (documented in docs/api.md): every type on every channel. */
export const DEFAULT_PREFERENCES: Readonly<PreferenceMatrix> = {
  'task.due_soon': everywhere,
  'security.new_login': everywhere,
  'security.mfa_changed': everywhere,
  'security.token_reuse': everywhere,
  'security.password_changed': everywhere,
};

export const isNotificationType = (value: string): value is NotificationType =>
  (NOTIFICATION_TYPES as readonly string[]).includes(value);

export const isChannel = (value: string): value is Channel => (CHANNELS as readonly string[]).includes(value);

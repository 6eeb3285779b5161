// Security events from auth (`auth.security` stream) as notifications (pure).
import type { NotificationType } from './catalogue.js';

export interface SecurityAlert {
  type: NotificationType;
  title: string;
  body: string;
  data: Record<string, unknown>;
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value.slice(0, 300) : undefined;

/** The alert for one security event, or undefined for event types this service does not notify about. */
export function securityAlert(type: string, data: unknown): SecurityAlert | undefined {
  const d = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
  const ip = text(d.ip);
  const from = ip ? ` from ${ip}` : '';
  const notYou = 'If this was not you, change your password and sign out of all sessions.';
  const details = { event: type, ...(ip ? { ip } : {}) };
  switch (type) {
    case 'login.new': {
      const agent = text(d.userAgent);
      return {
        type: 'security.new_login',
        title: 'New sign-in to your account',
        body: `Someone signed in to your account${from}${agent ? ` (${agent})` : ''}. ${notYou}`,
        data: { ...details, ...(agent ? { userAgent: agent } : {}) },
      };
    }
    case 'mfa.enabled':
    case 'mfa.disabled': {
      const state = type === 'mfa.enabled' ? 'turned on' : 'turned off';
      return {
        type: 'security.mfa_changed',
        title: `Two-factor authentication ${state}`,
        body: `Two-factor authentication was ${state} for your account${from}. ${notYou}`,
        data: details,
      };
    }
    case 'refresh.reuse_detected':
      return {
        type: 'security.token_reuse',
        title: 'A session was ended for your safety',
        body: `A sign-in token was used twice${from}, which may mean it was stolen; that session was ended. ${notYou}`,
        data: details,
      };
    case 'password.changed':
      return {
        type: 'security.password_changed',
        title: 'Your password was changed',
        body: `The password of your account was changed${from}; other sessions were signed out. ${notYou}`,
        data: details,
      };
    default:
      return undefined;
  }
}

/**
 * The notification's dedupe key: the event's own id (`data.eventId`, the same on every publish
 * of one event, auth's outbox may publish one twice), else its stream entry id.
 */
export function securityKey(streamId: string, data: unknown): string {
  const eventId = data && typeof data === 'object' ? (data as { eventId?: unknown }).eventId : undefined;
  return typeof eventId === 'string' && eventId.length > 0 && eventId.length <= 64
    ? `security:${eventId}`
    : `security:${streamId}`;
}

/** Older events are history, not news (e.g. the stream's backlog when this service first starts). */
export const SECURITY_ALERT_MAX_AGE_MS = 24 * 3_600_000;

export function isTooOldToAlert(at: string, now: Date): boolean {
  const time = Date.parse(at);
  return Number.isFinite(time) && now.getTime() - time > SECURITY_ALERT_MAX_AGE_MS;
}

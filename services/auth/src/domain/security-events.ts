// Security events on the durable event stream (`auth.security`), consumed by notifications
// (new login, MFA changed, refresh-token reuse, password changed).
import type { CacheBus, Logger } from '@elwosa/runtime';

export const SECURITY_EVENT_STREAM = 'events:auth.security';

export type SecurityEventType =
  | 'login.new'
  | 'mfa.enabled'
  | 'mfa.disabled'
  | 'refresh.reuse_detected'
  | 'password.changed';

export interface SecurityEvents {
  emit(type: SecurityEventType, userId: string, data?: Record<string, unknown>): Promise<void>;
}

export function createSecurityEvents(cache: CacheBus, logger: Logger): SecurityEvents {
  return {
    async emit(type, userId, data = {}) {
      try {
        await cache.append(
          SECURITY_EVENT_STREAM,
          { type, userId, data: JSON.stringify(data), at: new Date().toISOString() },
          { maxLen: 100_000 },
        );
      } catch (err) {
        // The audit log already holds the event; notification delivery is best effort.
        logger.warn({ err: String(err), type }, 'security event not published');
      }
    },
  };
}

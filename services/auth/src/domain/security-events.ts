// Security events on the durable `auth.security` stream, consumed by notifications (new login,
// MFA changed, refresh-token reuse, password changed).
import { type CacheBus, emitDomainEvent, type Logger } from '@elwosa/runtime';

export const SECURITY_EVENT_FAMILY = 'auth.security';

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
        await emitDomainEvent(cache, SECURITY_EVENT_FAMILY, { type, userId, data });
      } catch (err) {
        // The audit log already holds the event; notification delivery is best effort.
        logger.warn({ err: String(err), type }, 'security event not published');
      }
    },
  };
}

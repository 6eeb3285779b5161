// The auth service's background job, run once per interval across all replicas (the runtime's
// singleton schedule): first the tombstones of committed session revocations that never reached
// the cache (domain/revocations.ts) and the API key cache entries that were never rewritten after
// a revocation, role change or disabling (domain/api-key-cache.ts), then the relay of due security
// events (domain/security-events.ts). A run that finds nothing to do is three queries.
import { type CacheBus, type Logger, type Periodic, startSingletonSchedule } from '@elwosa/runtime';
import { repairStaleApiKeyCaches } from './domain/api-key-cache.js';
import { tombstoneUncachedRevocations } from './domain/revocations.js';
import { relaySecurityEvents } from './domain/security-events.js';
import type { SessionLiveness } from './domain/session-liveness.js';
import type { AuthMetrics } from './metrics.js';
import type { AuthDb } from './store/db.js';

export const SECURITY_EVENT_RELAY_LOCK = 'auth:security-event-relay';

export interface AuthSchedulesOptions {
  db: AuthDb;
  cache: CacheBus;
  liveness: SessionLiveness;
  logger: Logger;
  metrics: AuthMetrics;
  instanceId: string;
  relayIntervalMs: number;
}

export function startAuthSchedules(options: AuthSchedulesOptions): Periodic[] {
  const { db, cache, logger, metrics } = options;
  const now = () => new Date();
  const relay = startSingletonSchedule({
    cache,
    owner: options.instanceId,
    logger,
    now,
    name: SECURITY_EVENT_RELAY_LOCK,
    intervalMs: options.relayIntervalMs,
    run: async (_now, { slot, stopped }) => {
      const tombstoned = await tombstoneUncachedRevocations({ db, liveness: options.liveness }, stopped);
      metrics.sessionTombstonesRepaired.inc(tombstoned);
      if (tombstoned > 0) logger.warn({ slot, tombstoned }, 'session revocations tombstoned by the relay');
      const rewritten = await repairStaleApiKeyCaches({ db, cache }, stopped);
      metrics.apiKeyCachesRepaired.inc(rewritten);
      if (rewritten > 0) logger.warn({ slot, rewritten }, 'API key cache entries rewritten by the relay');
      const published = await relaySecurityEvents({ db, cache, now }, stopped);
      metrics.securityEventsRelayed.inc(published);
      if (published > 0) logger.info({ slot, published }, 'security events published from the outbox');
    },
    onSlot: (outcome) => metrics.securityEventRelayRuns.inc({ outcome }),
  });
  return [relay];
}

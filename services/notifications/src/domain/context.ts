// Everything the notifications use cases share.
import type { CacheBus, Logger } from '@elwosa/runtime';
import type { NotificationSettings } from '../config.js';
import type { NotificationMetrics } from '../metrics.js';
import type { NotificationsDb } from '../store/db.js';

export interface NotificationsContext {
  db: NotificationsDb;
  cache: CacheBus;
  logger: Logger;
  settings: NotificationSettings;
  metrics: NotificationMetrics;
  /** Tells the outbox worker of this process that a row is waiting (no-op without one). */
  emailQueued(): void;
  now(): Date;
}

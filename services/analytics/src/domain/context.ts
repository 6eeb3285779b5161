// Everything the analytics use cases share.
import type { CacheBus, Logger } from '@elwosa/runtime';
import type { AnalyticsMetrics } from '../metrics.js';
import type { AnalyticsDb } from '../store/db.js';

export interface AnalyticsSettings {
  /** How often the roll-up job looks for closed days to roll up (once per interval across replicas). */
  rollupIntervalMs: number;
  /** The longest report range, in days. */
  maxRangeDays: number;
  /** Days the raw usage records of a rolled-up day are kept (reports then use the roll-up). */
  rawRetentionDays: number;
}

export interface AnalyticsContext {
  db: AnalyticsDb;
  cache: CacheBus;
  logger: Logger;
  settings: AnalyticsSettings;
  metrics: AnalyticsMetrics;
  now: () => Date;
}

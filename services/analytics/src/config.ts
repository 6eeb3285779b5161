// Settings only the analytics service reads (the platform-wide ones are in @elwosa/runtime).
import { env } from '@elwosa/runtime';
import { z } from 'zod';
import type { AnalyticsSettings } from './domain/context.js';

export const analyticsEnvSchema = z.object({
  /** How often the roll-up job looks for closed days to roll up; one replica runs per interval. */
  ELWOSA_ANALYTICS_ROLLUP_INTERVAL_MS: env.positiveInt().min(100).max(86_400_000).default(3_600_000),
  /** The longest report range, in days. */
  ELWOSA_ANALYTICS_MAX_RANGE_DAYS: env.positiveInt().max(3660).default(366),
  /** Raw AI usage records of rolled-up days are kept this long; reports then read the roll-ups. */
  ELWOSA_ANALYTICS_RAW_RETENTION_DAYS: env.positiveInt().min(7).max(3660).default(90),
});
export type AnalyticsEnv = z.output<typeof analyticsEnvSchema>;

export const analyticsSettings = (e: AnalyticsEnv): AnalyticsSettings => ({
  rollupIntervalMs: e.ELWOSA_ANALYTICS_ROLLUP_INTERVAL_MS,
  maxRangeDays: e.ELWOSA_ANALYTICS_MAX_RANGE_DAYS,
  rawRetentionDays: e.ELWOSA_ANALYTICS_RAW_RETENTION_DAYS,
});

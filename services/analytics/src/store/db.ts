// The analytics service's Prisma client type. Nothing outside this service reads these tables.
import type { PrismaClient } from '../generated/prisma/client.js';

export type AnalyticsDb = PrismaClient;
export type Tx = Parameters<Parameters<AnalyticsDb['$transaction']>[0]>[0];
/** Either the client or an interactive transaction. */
export type Queryable = AnalyticsDb | Tx;

/** A transaction over one whole day's rows (a roll-up, a raw purge): a busy day may take a while. */
export const DAY_TRANSACTION = { maxWait: 10_000, timeout: 120_000 };

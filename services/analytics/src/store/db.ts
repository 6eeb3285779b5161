// The analytics service's Prisma client type. Nothing outside this service reads these tables.
import type { PrismaClient } from '../generated/prisma/client.js';

export type AnalyticsDb = PrismaClient;
export type Tx = Parameters<Parameters<AnalyticsDb['$transaction']>[0]>[0];
/** Either the client or an interactive transaction. */
export type Queryable = AnalyticsDb | Tx;

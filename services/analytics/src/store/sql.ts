// SQL fragments the analytics queries share. Column names come from this code only; every value
// is a bound parameter.
import type { DateRange } from '../domain/date-range.js';
import type { Scope } from '../domain/scope.js';
import { Prisma } from '../generated/prisma/client.js';

/** `<column> BETWEEN from AND to` (days, both included). */
export const dayBetween = (column: string, range: DateRange): Prisma.Sql =>
  Prisma.sql`${Prisma.raw(column)} BETWEEN ${range.from}::date AND ${range.to}::date`;

/** `AND <column> = <user>` for one user's scope, nothing for everyone's. */
export const userFilter = (column: string, scope: Scope): Prisma.Sql =>
  scope.kind === 'all' ? Prisma.empty : Prisma.sql`AND ${Prisma.raw(column)} = ${scope.userId}::uuid`;

/**
 * Which days a query covers with respect to their roll-up: `rolled-up` only days whose roll-up is
 * current, `raw` only the others (reports read those from the raw facts), `any` all of them.
 */
export type DaySource = 'rolled-up' | 'raw' | 'any';

export function daySourceFilter(column: string, source: DaySource): Prisma.Sql {
  if (source === 'any') return Prisma.empty;
  const current = Prisma.sql`SELECT 1 FROM "analytics"."rollup_days" r WHERE r.day = ${Prisma.raw(column)} AND r.current`;
  return source === 'rolled-up'
    ? Prisma.sql`AND EXISTS (${current})`
    : Prisma.sql`AND NOT EXISTS (${current})`;
}

/** `to_char(<column>, 'YYYY-MM-DD')`: days leave the database as strings. */
export const dayText = (column: string): Prisma.Sql => Prisma.raw(`to_char(${column}, 'YYYY-MM-DD')`);

// Builds the list/search query (pure: filters, sort and keyset position → parameterised SQL).
// Every user value is a bound parameter; the only SQL text that varies comes from the
// allow-listed sort fields below. The owner condition is always there.
import type { ListPosition, Sort, SortField } from '../domain/cursor.js';
import { type Priority, priorityRank, type Status } from '../domain/model.js';
import { Prisma } from '../generated/prisma/client.js';
import { TASK_COLUMNS } from './task-sql.js';

export interface ListFilter {
  ownerId: string;
  status?: Status[] | undefined;
  priority?: Priority[] | undefined;
  tag?: string | undefined;
  overdue?: boolean | undefined;
  dueBefore?: Date | undefined;
  dueAfter?: Date | undefined;
  /** Full-text search (websearch syntax) over title, description and step titles. */
  q?: string | undefined;
}

interface SortColumn {
  /** The ordered expression (nulls as +infinity so that they have a place in the keyset). */
  expr: Prisma.Sql;
  /** The same expression over a cursor value. */
  bound(value: string | number | null): Prisma.Sql;
}

const SORT_COLUMNS: Record<SortField, SortColumn> = {
  createdAt: { expr: Prisma.sql`t.created_at`, bound: (v) => Prisma.sql`${v}::timestamptz` },
  updatedAt: { expr: Prisma.sql`t.updated_at`, bound: (v) => Prisma.sql`${v}::timestamptz` },
  dueAt: {
    expr: Prisma.sql`coalesce(t.due_at, 'infinity'::timestamptz)`,
    bound: (v) => Prisma.sql`coalesce(${v}::timestamptz, 'infinity'::timestamptz)`,
  },
  priority: { expr: Prisma.sql`t.priority`, bound: (v) => Prisma.sql`${v}::smallint` },
};

const CLOSED_STATUSES = Prisma.sql`('done', 'cancelled')`;

export function filterConditions(f: ListFilter, now: Date): Prisma.Sql[] {
  const where = [Prisma.sql`t.owner_id = ${f.ownerId}::uuid`, Prisma.sql`t.deleted_at IS NULL`];
  if (f.status) where.push(Prisma.sql`t.status IN (${Prisma.join(f.status)})`);
  if (f.priority) where.push(Prisma.sql`t.priority IN (${Prisma.join(f.priority.map(priorityRank))})`);
  if (f.tag !== undefined) where.push(Prisma.sql`t.tags @> ARRAY[${f.tag}]::text[]`);
  const overdue = Prisma.sql`(t.due_at < ${now.toISOString()}::timestamptz AND t.status NOT IN ${CLOSED_STATUSES})`;
  if (f.overdue === true) where.push(overdue);
  if (f.overdue === false) where.push(Prisma.sql`NOT coalesce(${overdue}, false)`);
  if (f.dueBefore) where.push(Prisma.sql`t.due_at < ${f.dueBefore.toISOString()}::timestamptz`);
  if (f.dueAfter) where.push(Prisma.sql`t.due_at > ${f.dueAfter.toISOString()}::timestamptz`);
  if (f.q !== undefined) where.push(Prisma.sql`t.search @@ websearch_to_tsquery('simple', ${f.q})`);
  return where;
}

export function buildListQuery(
  filter: ListFilter,
  sort: Sort,
  after: ListPosition | undefined,
  limit: number,
  now: Date,
): Prisma.Sql {
  const column = SORT_COLUMNS[sort.field];
  const desc = sort.direction === 'desc';
  const where = filterConditions(filter, now);
  if (after) {
    const op = Prisma.raw(desc ? '<' : '>');
    where.push(Prisma.sql`(${column.expr}, t.id) ${op} (${column.bound(after.value)}, ${after.id}::uuid)`);
  }
  const dir = Prisma.raw(desc ? 'DESC' : 'ASC');
  return Prisma.sql`SELECT ${TASK_COLUMNS} FROM "tasks"."tasks" t
    WHERE ${Prisma.join(where, ' AND ')}
    ORDER BY ${column.expr} ${dir}, t.id ${dir}
    LIMIT ${limit}`;
}

/** The cursor value of a row for a sort field. */
export function sortValueOf(
  row: { createdAt: Date; updatedAt: Date; dueAt: Date | null; priority: number },
  field: SortField,
): string | number | null {
  switch (field) {
    case 'createdAt':
      return row.createdAt.toISOString();
    case 'updatedAt':
      return row.updatedAt.toISOString();
    case 'dueAt':
      return row.dueAt ? row.dueAt.toISOString() : null;
    case 'priority':
      return row.priority;
  }
}

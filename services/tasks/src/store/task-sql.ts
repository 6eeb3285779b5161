// The statements of the single-task hot paths (read one, create, write at a version) as
// parameterised SQL, pure. Raw statements instead of Prisma's query builder: they cost a third
// to a half less CPU per query (bench/tasks), and the benchmark baseline runs these very
// statements through raw pg. Rows come back under the Prisma model's field names, without the
// change sequence (an int8: the changes feed reads it through Prisma). A write records its
// change in the event outbox in the same statement (outbox-sql.ts).
import { priorityRank, type TaskState } from '../domain/model.js';
import { Prisma } from '../generated/prisma/client.js';
import { withOutboxRecord } from './outbox-sql.js';

export const TASK_COLUMNS = Prisma.raw(
  [
    't.id',
    't.owner_id AS "ownerId"',
    't.title',
    't.description',
    't.status',
    't.priority',
    't.due_at AS "dueAt"',
    't.start_at AS "startAt"',
    't.tags',
    't.steps',
    't.version',
    't.created_at AS "createdAt"',
    't.updated_at AS "updatedAt"',
    't.completed_at AS "completedAt"',
    't.deleted_at AS "deletedAt"',
  ].join(', '),
);

const time = (d: Date | null): Prisma.Sql => Prisma.sql`${d ? d.toISOString() : null}::timestamptz`;

/** The column values of a state, in the order of STATE_COLUMNS. */
function stateValues(state: TaskState): Prisma.Sql[] {
  return [
    Prisma.sql`${state.title}`,
    Prisma.sql`${state.description}`,
    Prisma.sql`${state.status}`,
    Prisma.sql`${priorityRank(state.priority)}::smallint`,
    time(state.dueAt),
    time(state.startAt),
    Prisma.sql`${state.tags}::text[]`,
    Prisma.sql`${JSON.stringify(state.steps.map((s) => ({ id: s.id, title: s.title, done: s.done })))}::jsonb`,
    time(state.completedAt),
  ];
}
const STATE_COLUMNS = [
  'title',
  'description',
  'status',
  'priority',
  'due_at',
  'start_at',
  'tags',
  'steps',
  'completed_at',
];

export const selectOwnedTask = (ownerId: string, id: string): Prisma.Sql =>
  Prisma.sql`SELECT ${TASK_COLUMNS} FROM "tasks"."tasks" t
    WHERE t.id = ${id}::uuid AND t.owner_id = ${ownerId}::uuid AND t.deleted_at IS NULL`;

export function insertTask(id: string, ownerId: string, state: TaskState, now: Date): Prisma.Sql {
  const columns = Prisma.raw(['id', 'owner_id', ...STATE_COLUMNS, 'created_at', 'updated_at'].join(', '));
  const values = [
    Prisma.sql`${id}::uuid`,
    Prisma.sql`${ownerId}::uuid`,
    ...stateValues(state),
    time(now),
    time(now),
  ];
  return withOutboxRecord(
    Prisma.sql`INSERT INTO "tasks"."tasks" AS t (${columns}) VALUES (${Prisma.join(values, ', ')})
      RETURNING ${TASK_COLUMNS}`,
    now,
  );
}

export type TaskWrite = { state: TaskState } | { deletedAt: Date };

/** Writes the state (or the tombstone) only if the task is still at `version`; bumps the version. */
export function updateAtVersion(
  ownerId: string,
  id: string,
  version: number,
  write: TaskWrite,
  now: Date,
): Prisma.Sql {
  const sets =
    'state' in write
      ? stateValues(write.state).map((value, i) => Prisma.sql`${Prisma.raw(STATE_COLUMNS[i]!)} = ${value}`)
      : [Prisma.sql`deleted_at = ${time(write.deletedAt)}`];
  return withOutboxRecord(
    Prisma.sql`UPDATE "tasks"."tasks" AS t
      SET ${Prisma.join([...sets, Prisma.sql`version = t.version + 1`, Prisma.sql`updated_at = ${time(now)}`], ', ')}
      WHERE t.id = ${id}::uuid AND t.owner_id = ${ownerId}::uuid AND t.version = ${version}::int AND t.deleted_at IS NULL
      RETURNING ${TASK_COLUMNS}`,
    now,
  );
}

// Database access for tasks. Every query carries the owner: another user's task is simply not
// found. Writes are conditional on the version that was read (optimistic concurrency). The
// hot paths (one task, the list) run the statements of task-sql.ts and list-query.ts through a
// SqlClient (sql-client.ts), the rest Prisma's query builder.
import { randomUUID } from 'node:crypto';
import type { ListPosition, Sort } from '../domain/cursor.js';
import type { TaskState } from '../domain/model.js';
import { Prisma, type Task } from '../generated/prisma/client.js';
import type { TaskRow, TasksDb } from './db.js';
import { recordChanges } from './event-outbox.js';
import { buildListQuery, type ListFilter } from './list-query.js';
import { type SqlClient, transactionClient } from './sql-client.js';
import * as sql from './task-sql.js';

export const newStepId = (): string => randomUUID();

export async function findOwnedTask(db: SqlClient, ownerId: string, id: string): Promise<TaskRow | null> {
  const [row] = await db.rows<TaskRow>(sql.selectOwnedTask(ownerId, id));
  return row ?? null;
}

export async function insertTask(
  db: SqlClient,
  ownerId: string,
  state: TaskState,
  now: Date,
): Promise<TaskRow> {
  const [row] = await db.rows<TaskRow>(sql.insertTask(randomUUID(), ownerId, state, now));
  return row!;
}

/** Writes the new state (or the tombstone) if the task still has `version`; null otherwise. */
export async function updateTaskAtVersion(
  db: SqlClient,
  ownerId: string,
  id: string,
  version: number,
  write: sql.TaskWrite,
  now: Date,
): Promise<TaskRow | null> {
  const [row] = await db.rows<TaskRow>(sql.updateAtVersion(ownerId, id, version, write, now));
  return row ?? null;
}

export function listTasks(
  db: SqlClient,
  filter: ListFilter,
  sort: Sort,
  after: ListPosition | undefined,
  limit: number,
  now: Date,
): Promise<TaskRow[]> {
  return db.rows<TaskRow>(buildListQuery(filter, sort, after, limit, now));
}

/** Rows of the owner (tombstones included) changed after `seq`, in change order. */
export function changedSince(db: TasksDb, ownerId: string, seq: bigint, limit: number): Promise<Task[]> {
  return db.task.findMany({
    where: { ownerId, changeSeq: { gt: seq } },
    orderBy: { changeSeq: 'asc' },
    take: limit,
  });
}

export async function tagCounts(
  db: TasksDb,
  ownerId: string,
): Promise<Array<{ tag: string; count: number }>> {
  const rows = await db.$queryRaw<Array<{ tag: string; count: bigint }>>`
    SELECT tag, count(*) AS count FROM "tasks"."tasks" t, unnest(t.tags) AS tag
    WHERE t.owner_id = ${ownerId}::uuid AND t.deleted_at IS NULL
    GROUP BY tag ORDER BY tag`;
  return rows.map((r) => ({ tag: r.tag, count: Number(r.count) }));
}

/** Another transaction changed the rows between our read and our write: the caller retries. */
export class ConcurrentChangeError extends Error {
  override readonly name = 'ConcurrentChangeError';
}

export interface BulkResult {
  /** Every task named, after the operation. */
  rows: TaskRow[];
  /** Those the operation actually changed. */
  changed: TaskRow[];
}

/**
 * All or nothing: resolves null (and changes nothing) when any id is not a live task of the
 * owner. `pick` chooses which of the found tasks need the update; their changes are recorded in
 * the event outbox in the same transaction.
 */
export function bulkUpdate(
  db: TasksDb,
  ownerId: string,
  ids: readonly string[],
  pick: (rows: TaskRow[]) => string[],
  data: Prisma.TaskUpdateManyMutationInput,
  now: Date,
): Promise<BulkResult | null> {
  return db.$transaction(async (tx) => {
    const found = await tx.task.findMany({ where: { id: { in: [...ids] }, ownerId, deletedAt: null } });
    if (found.length !== ids.length) return null;
    const targets = pick(found);
    if (targets.length > 0) {
      const where = {
        id: { in: targets },
        ownerId,
        deletedAt: null,
        OR: found.filter((r) => targets.includes(r.id)).map((r) => ({ id: r.id, version: r.version })),
      };
      const { count } = await tx.task.updateMany({ where, data: { ...data, version: { increment: 1 } } });
      if (count !== targets.length) throw new ConcurrentChangeError();
      await recordChanges(tx, ownerId, targets, now);
    }
    const rows = await tx.task.findMany({ where: { id: { in: [...ids] }, ownerId } });
    return { rows, changed: rows.filter((r) => targets.includes(r.id)) };
  });
}

export interface StoredCreate {
  requestHash: string;
  response: unknown;
}

/** The create recorded under the owner's key, unless it was recorded before `notBefore` (expired). */
export async function findIdempotentCreate(
  db: TasksDb,
  ownerId: string,
  key: string,
  notBefore: Date,
): Promise<StoredCreate | null> {
  const row = await db.idempotencyKey.findUnique({ where: { ownerId_key: { ownerId, key } } });
  return row && row.createdAt >= notBefore ? { requestHash: row.requestHash, response: row.response } : null;
}

const isUniqueViolation = (err: unknown): boolean =>
  err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002';

/**
 * Creates the task and records the key with the answer in one transaction; an expired record of
 * the same key (recorded before `notBefore`, not purged yet) is replaced. Resolves null when a
 * concurrent request with the same key won (nothing created here): read the stored answer.
 */
export async function insertTaskWithKey(
  db: TasksDb,
  ownerId: string,
  state: TaskState,
  now: Date,
  key: { key: string; requestHash: string; notBefore: Date },
  answer: (row: TaskRow) => Prisma.InputJsonValue,
): Promise<TaskRow | null> {
  try {
    return await db.$transaction(async (tx) => {
      await tx.idempotencyKey.deleteMany({
        where: { ownerId, key: key.key, createdAt: { lt: key.notBefore } },
      });
      const row = await insertTask(transactionClient(tx), ownerId, state, now);
      await tx.idempotencyKey.create({
        data: {
          ownerId,
          key: key.key,
          requestHash: key.requestHash,
          taskId: row.id,
          response: answer(row),
          createdAt: now,
        },
      });
      return row;
    });
  } catch (err) {
    if (isUniqueViolation(err)) return null;
    throw err;
  }
}

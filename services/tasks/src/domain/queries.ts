// Read use cases over many tasks: the filtered, searched, keyset-paged list; the changes feed
// for offline resync; the tag counts.
import type { z } from 'zod';
import type { ChangesQuery, DeletionDto, ListTasksQuery, TaskDto } from '../api.js';
import { toDeletionDto, toTaskDto } from '../store/db.js';
import { sortValueOf } from '../store/list-query.js';
import { purgedThrough } from '../store/retention.js';
import { changedSince, listTasks, tagCounts } from '../store/task-store.js';
import type { TasksContext } from './context.js';
import {
  cursorExpired,
  decodeChangeCursor,
  decodeListCursor,
  encodeChangeCursor,
  encodeListCursor,
  parseSort,
} from './cursor.js';

export interface TaskPage {
  items: TaskDto[];
  nextCursor: string | null;
}

export async function listPage(ctx: TasksContext, ownerId: string, query: ListTasksQuery): Promise<TaskPage> {
  const sort = parseSort(query.sort);
  const after = query.cursor === undefined ? undefined : decodeListCursor(query.cursor, query.sort);
  const filter = {
    ownerId,
    status: query.status,
    priority: query.priority,
    tag: query.tag?.toLowerCase(),
    overdue: query.overdue,
    dueBefore: query.dueBefore,
    dueAfter: query.dueAfter,
    q: query.q,
  };
  // One row more than asked tells whether another page exists.
  const rows = await listTasks(ctx.sql, filter, sort, after, query.limit + 1, ctx.now());
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map(toTaskDto),
    nextCursor:
      rows.length > query.limit && last
        ? encodeListCursor({ sort: query.sort, value: sortValueOf(last, sort.field), id: last.id })
        : null,
  };
}

export interface Changes {
  upserts: TaskDto[];
  deletions: DeletionDto[];
  nextCursor: string;
  hasMore: boolean;
}

export async function changesSince(
  ctx: TasksContext,
  ownerId: string,
  query: z.output<typeof ChangesQuery>,
): Promise<Changes> {
  const since = query.since === undefined ? 0n : decodeChangeCursor(query.since);
  const rows = await changedSince(ctx.db, ownerId, since, query.limit + 1);
  // Read after the rows: a purge removes tombstones and raises the horizon in one commit, so a
  // tombstone missing from `rows` is always covered by the horizon read here.
  if (since > 0n && since < (await purgedThrough(ctx.db, ownerId))) throw cursorExpired();
  const page = rows.slice(0, query.limit);
  return {
    upserts: page.filter((r) => !r.deletedAt).map(toTaskDto),
    deletions: page.filter((r) => r.deletedAt).map(toDeletionDto),
    nextCursor: encodeChangeCursor(page.at(-1)?.changeSeq ?? since),
    hasMore: rows.length > query.limit,
  };
}

export const tagsOf = (ctx: TasksContext, ownerId: string) => tagCounts(ctx.db, ownerId);

// The tasks service's Prisma client type and the row → DTO mappings. Nothing outside this
// service reads these tables.
import { z } from 'zod';
import type { DeletionDto, TaskDto } from '../api.js';
import { priorityFromRank, type Status, type Step, type TaskState } from '../domain/model.js';
import { progressOf } from '../domain/progress.js';
import type { PrismaClient, Task } from '../generated/prisma/client.js';

export type TasksDb = PrismaClient;
/** The client inside an interactive transaction. */
export type Tx = Parameters<Parameters<TasksDb['$transaction']>[0]>[0];
/** A task as the hot-path statements return it (task-sql.ts): every column but the change sequence. */
export type TaskRow = Omit<Task, 'changeSeq'>;

const stepsSchema = z.array(z.object({ id: z.string(), title: z.string(), done: z.boolean() }));

export function stateOf(row: TaskRow): TaskState {
  return {
    title: row.title,
    description: row.description,
    status: row.status as Status,
    priority: priorityFromRank(row.priority),
    dueAt: row.dueAt,
    startAt: row.startAt,
    tags: row.tags,
    steps: stepsSchema.parse(row.steps) satisfies Step[],
    completedAt: row.completedAt,
  };
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function toTaskDto(row: TaskRow): TaskDto {
  const state = stateOf(row);
  return {
    id: row.id,
    ownerId: row.ownerId,
    title: state.title,
    description: state.description,
    status: state.status,
    priority: state.priority,
    dueAt: iso(state.dueAt),
    startAt: iso(state.startAt),
    tags: state.tags,
    steps: state.steps,
    progress: progressOf(state.steps),
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    completedAt: iso(state.completedAt),
  };
}

export function toDeletionDto(row: TaskRow): DeletionDto {
  if (!row.deletedAt) throw new Error(`task ${row.id} is not deleted`);
  return { id: row.id, deletedAt: row.deletedAt.toISOString() };
}

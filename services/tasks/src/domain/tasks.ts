// Use cases on single tasks: create (idempotent with a key), read, change, delete. Every
// change goes through `changeTask`: read the owner's task, check If-Match, compute the next
// state (pure), write it conditionally on the version read, announce it (events.ts).
import { HttpProblem, problems } from '@elwosa/runtime';
import type { DeletionDto, TaskDto } from '../api.js';
import { stateOf, toDeletionDto, toTaskDto } from '../store/db.js';
import {
  findIdempotentCreate,
  findOwnedTask,
  insertTask,
  insertTaskWithKey,
  newStepId,
  updateTaskAtVersion,
} from '../store/task-store.js';
import { checkPrecondition, type Precondition } from './concurrency.js';
import type { TasksContext } from './context.js';
import { announceCommitted } from './events.js';
import { requestFingerprint } from './idempotency.js';
import type { TaskState } from './model.js';
import { newTaskState, type TaskFields } from './patch.js';
import { sameState } from './same-state.js';

/** Attempts of a change without If-Match when concurrent writers keep winning the race. */
const MAX_ATTEMPTS = 10;

export interface CreateInput extends TaskFields {
  steps?: Array<{ title: string; done: boolean }> | undefined;
}

export interface CreateResult {
  task: TaskDto;
  /** True when an earlier request with the same Idempotency-Key created it. */
  replayed: boolean;
}

function stateFromInput(input: CreateInput, now: Date): TaskState {
  const steps = (input.steps ?? []).map((s) => ({ id: newStepId(), title: s.title, done: s.done }));
  return newTaskState(input, steps, now);
}

async function replay(ctx: TasksContext, ownerId: string, key: string, requestHash: string, notBefore: Date) {
  const stored = await findIdempotentCreate(ctx.db, ownerId, key, notBefore);
  if (!stored) return undefined;
  if (stored.requestHash !== requestHash) {
    throw new HttpProblem(422, 'this Idempotency-Key was used with a different request');
  }
  return { task: stored.response as TaskDto, replayed: true };
}

export async function createTask(
  ctx: TasksContext,
  ownerId: string,
  input: CreateInput,
  idempotencyKey?: string,
): Promise<CreateResult> {
  const now = ctx.now();
  const state = stateFromInput(input, now);
  if (idempotencyKey === undefined) {
    const task = toTaskDto(await insertTask(ctx.sql, ownerId, state, now));
    await announceCommitted(ctx, ownerId, [
      { event: { type: 'task.created', data: task }, version: task.version },
    ]);
    return { task, replayed: false };
  }
  const requestHash = requestFingerprint(input);
  // A key is honoured for the idempotency TTL; an older record of it no longer counts.
  const notBefore = new Date(now.getTime() - ctx.retention.idempotencyTtlMs);
  const earlier = await replay(ctx, ownerId, idempotencyKey, requestHash, notBefore);
  if (earlier) return earlier;
  const row = await insertTaskWithKey(
    ctx.db,
    ownerId,
    state,
    now,
    { key: idempotencyKey, requestHash, notBefore },
    toTaskDto,
  );
  // A concurrent request with the same key committed first: answer with its result.
  if (!row) return (await replay(ctx, ownerId, idempotencyKey, requestHash, notBefore))!;
  const task = toTaskDto(row);
  await announceCommitted(ctx, ownerId, [
    { event: { type: 'task.created', data: task }, version: task.version },
  ]);
  return { task, replayed: false };
}

export async function getTask(ctx: TasksContext, ownerId: string, id: string): Promise<TaskDto> {
  const row = await findOwnedTask(ctx.sql, ownerId, id);
  if (!row) throw problems.notFound('no such task');
  return toTaskDto(row);
}

/** Applies `change` to the owner's task under optimistic concurrency. */
export async function changeTask(
  ctx: TasksContext,
  ownerId: string,
  id: string,
  pre: Precondition,
  change: (state: TaskState, now: Date) => TaskState,
): Promise<TaskDto> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const row = await findOwnedTask(ctx.sql, ownerId, id);
    if (!row) throw problems.notFound('no such task');
    checkPrecondition(pre, row.version);
    const now = ctx.now();
    const current = stateOf(row);
    const next = change(current, now);
    if (sameState(current, next)) return toTaskDto(row);
    const updated = await updateTaskAtVersion(ctx.sql, ownerId, id, row.version, { state: next }, now);
    if (updated) {
      const task = toTaskDto(updated);
      await announceCommitted(ctx, ownerId, [
        { event: { type: 'task.updated', data: task }, version: task.version },
      ]);
      return task;
    }
    // Changed (or deleted) since we read it: with If-Match the client must reload.
    if (pre.kind === 'versions') throw problems.preconditionFailed();
  }
  throw problems.conflict('the task keeps changing; retry');
}

export async function deleteTask(
  ctx: TasksContext,
  ownerId: string,
  id: string,
  pre: Precondition,
): Promise<DeletionDto> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const row = await findOwnedTask(ctx.sql, ownerId, id);
    if (!row) throw problems.notFound('no such task');
    checkPrecondition(pre, row.version);
    const now = ctx.now();
    const deleted = await updateTaskAtVersion(ctx.sql, ownerId, id, row.version, { deletedAt: now }, now);
    if (deleted) {
      const tombstone = toDeletionDto(deleted);
      await announceCommitted(ctx, ownerId, [
        { event: { type: 'task.deleted', data: tombstone }, version: deleted.version },
      ]);
      return tombstone;
    }
    if (pre.kind === 'versions') throw problems.preconditionFailed();
  }
  throw problems.conflict('the task keeps changing; retry');
}

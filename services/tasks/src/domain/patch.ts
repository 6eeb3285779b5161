// Builds a task's state from a create request and applies a partial update to it (pure).
import { MAX_STEPS, type Priority, type Status, type Step, TaskRuleError, type TaskState } from './model.js';
import { transition } from './status.js';

export interface TaskFields {
  title: string;
  description?: string | undefined;
  status?: Status | undefined;
  priority?: Priority | undefined;
  dueAt?: Date | null | undefined;
  startAt?: Date | null | undefined;
  tags?: string[] | undefined;
}

export type TaskPatch = Partial<TaskFields>;

/** Tags are trimmed, lower-cased and de-duplicated, keeping the first occurrence's order. */
export function normalizeTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((t) => t.trim().toLowerCase()).filter((t) => t.length > 0))];
}

function checkRules(state: TaskState): TaskState {
  if (state.startAt && state.dueAt && state.startAt > state.dueAt) {
    throw new TaskRuleError('startAt must not be after dueAt');
  }
  if (state.steps.length > MAX_STEPS) throw new TaskRuleError(`a task has at most ${MAX_STEPS} steps`);
  return state;
}

export function newTaskState(fields: TaskFields, steps: Step[], now: Date): TaskState {
  const status = fields.status ?? 'todo';
  return checkRules({
    title: fields.title,
    description: fields.description ?? '',
    status,
    priority: fields.priority ?? 'none',
    dueAt: fields.dueAt ?? null,
    startAt: fields.startAt ?? null,
    tags: normalizeTags(fields.tags ?? []),
    steps,
    completedAt: status === 'done' ? now : null,
  });
}

export function applyPatch(current: TaskState, patch: TaskPatch, now: Date): TaskState {
  const next: TaskState = {
    ...current,
    ...(patch.title !== undefined ? { title: patch.title } : {}),
    ...(patch.description !== undefined ? { description: patch.description } : {}),
    ...(patch.priority !== undefined ? { priority: patch.priority } : {}),
    ...(patch.dueAt !== undefined ? { dueAt: patch.dueAt } : {}),
    ...(patch.startAt !== undefined ? { startAt: patch.startAt } : {}),
    ...(patch.tags !== undefined ? { tags: normalizeTags(patch.tags) } : {}),
  };
  return checkRules(
    patch.status !== undefined ? { ...next, ...transition(current, patch.status, now) } : next,
  );
}

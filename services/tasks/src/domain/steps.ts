// Checklist operations on a task's ordered steps (pure; every function returns a new list).
import { MAX_STEPS, type Step, StepNotFoundError, TaskRuleError } from './model.js';

function indexOf(steps: readonly Step[], stepId: string): number {
  const i = steps.findIndex((s) => s.id === stepId);
  if (i < 0) throw new StepNotFoundError(stepId);
  return i;
}

/** Inserts at `position` (0-based, clamped) or appends. */
export function addStep(steps: readonly Step[], step: Step, position?: number): Step[] {
  if (steps.length >= MAX_STEPS) throw new TaskRuleError(`a task has at most ${MAX_STEPS} steps`);
  const at = Math.min(position ?? steps.length, steps.length);
  return [...steps.slice(0, at), step, ...steps.slice(at)];
}

export function editStep(
  steps: readonly Step[],
  stepId: string,
  change: { title?: string | undefined; done?: boolean | undefined },
): Step[] {
  const i = indexOf(steps, stepId);
  return steps.map((s, j) =>
    j === i
      ? {
          ...s,
          ...(change.title !== undefined ? { title: change.title } : {}),
          ...(change.done !== undefined ? { done: change.done } : {}),
        }
      : s,
  );
}

export function toggleStep(steps: readonly Step[], stepId: string): Step[] {
  const step = steps[indexOf(steps, stepId)]!;
  return editStep(steps, stepId, { done: !step.done });
}

export function removeStep(steps: readonly Step[], stepId: string): Step[] {
  const i = indexOf(steps, stepId);
  return steps.filter((_, j) => j !== i);
}

/** `order` must name every step exactly once. */
export function reorderSteps(steps: readonly Step[], order: readonly string[]): Step[] {
  const byId = new Map(steps.map((s) => [s.id, s]));
  if (
    order.length !== steps.length ||
    new Set(order).size !== order.length ||
    !order.every((id) => byId.has(id))
  ) {
    throw new TaskRuleError('stepIds must list every step of the task exactly once');
  }
  return order.map((id) => byId.get(id)!);
}

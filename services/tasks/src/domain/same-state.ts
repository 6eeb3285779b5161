// Whether a change would leave a task as it is: then nothing is written, the version stays and
// no event goes out (a repeated PATCH or an idempotent client replay is free and silent).
import type { Step, TaskState } from './model.js';

const sameTime = (a: Date | null, b: Date | null): boolean =>
  a === null || b === null ? a === b : a.getTime() === b.getTime();

const sameList = <T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean): boolean =>
  a.length === b.length && a.every((x, i) => same(x, b[i]!));

const sameStep = (a: Step, b: Step): boolean => a.id === b.id && a.title === b.title && a.done === b.done;

export function sameState(a: TaskState, b: TaskState): boolean {
  return (
    a.title === b.title &&
    a.description === b.description &&
    a.status === b.status &&
    a.priority === b.priority &&
    sameTime(a.dueAt, b.dueAt) &&
    sameTime(a.startAt, b.startAt) &&
    sameTime(a.completedAt, b.completedAt) &&
    sameList(a.tags, b.tags, (x, y) => x === y) &&
    sameList(a.steps, b.steps, sameStep)
  );
}

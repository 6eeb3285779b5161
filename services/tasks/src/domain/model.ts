// The task model as the domain sees it: statuses, priorities, steps, and the mutable state a
// write computes (everything the client may change, plus completedAt which follows the status).

export const STATUSES = ['todo', 'in_progress', 'blocked', 'done', 'cancelled'] as const;
export type Status = (typeof STATUSES)[number];

/** Ordered by rank: stored as its index (0–4) so that priority sorts and filters as a number. */
export const PRIORITIES = ['none', 'low', 'medium', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const priorityRank = (p: Priority): number => PRIORITIES.indexOf(p);

export function priorityFromRank(rank: number): Priority {
  const p = PRIORITIES[rank];
  if (!p) throw new Error(`priority rank out of range: ${rank}`);
  return p;
}

export interface Step {
  id: string;
  title: string;
  done: boolean;
}

export const MAX_STEPS = 100;
export const MAX_TAGS = 20;

/** The part of a task a write may change. */
export interface TaskState {
  title: string;
  description: string;
  status: Status;
  priority: Priority;
  dueAt: Date | null;
  startAt: Date | null;
  tags: string[];
  steps: Step[];
  completedAt: Date | null;
}

/** A rule of the domain was broken by otherwise well-formed input (→ 400). */
export class TaskRuleError extends Error {
  override readonly name = 'TaskRuleError';
}

/** A step id that is not on the task (→ 404). */
export class StepNotFoundError extends Error {
  override readonly name = 'StepNotFoundError';
  constructor(readonly stepId: string) {
    super('no such step on this task');
  }
}

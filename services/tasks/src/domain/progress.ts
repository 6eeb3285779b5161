// Progress of a task's checklist.
import type { Step } from './model.js';

export interface Progress {
  done: number;
  total: number;
  /** 0–100, rounded down so 100 means every step is done; 0 without steps. */
  percent: number;
}

export function progressOf(steps: readonly Step[]): Progress {
  const done = steps.filter((s) => s.done).length;
  const total = steps.length;
  return { done, total, percent: total === 0 ? 0 : Math.floor((done * 100) / total) };
}

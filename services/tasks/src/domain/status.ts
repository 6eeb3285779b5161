// Status transitions: completedAt is set when a task becomes done and cleared when it leaves
// done; any status may follow any other (a cancelled task can be reopened).
import type { Status } from './model.js';

export interface StatusState {
  status: Status;
  completedAt: Date | null;
}

export function transition(current: StatusState, next: Status, now: Date): StatusState {
  if (next === current.status) return current;
  return { status: next, completedAt: next === 'done' ? now : null };
}

export const isOpen = (status: Status): boolean => status !== 'done' && status !== 'cancelled';

// The task fields the tools speak about, as the tasks API defines them (services/tasks api.ts).
import { z } from 'zod';

export const TASK_STATUSES = ['todo', 'in_progress', 'blocked', 'done', 'cancelled'] as const;
export const OPEN_STATUSES = ['todo', 'in_progress', 'blocked'] as const;
export const TASK_PRIORITIES = ['none', 'low', 'medium', 'high', 'urgent'] as const;

export const taskTitle = z.string().trim().min(1).max(200);
export const taskDescription = z.string().max(2000);
export const taskPriority = z.enum(TASK_PRIORITIES);
export const taskStatus = z.enum(TASK_STATUSES);
export const instant = z.iso.datetime({ offset: true });
export const taskTags = z.array(z.string().trim().min(1).max(50)).max(10);
export const stepTitles = z.array(z.string().trim().min(1).max(500)).max(20);

/** The task as the tasks API returns it (the parts the agent uses). */
export interface TaskView {
  id: string;
  title: string;
  description?: string;
  status: string;
  priority: string;
  dueAt: string | null;
  tags: string[];
  steps: Array<{ id: string; title: string; done: boolean }>;
}

/** What the model gets back about a task: enough to refer to it and its steps again. */
export function taskSummary(t: TaskView) {
  return {
    id: t.id,
    title: t.title,
    status: t.status,
    priority: t.priority,
    dueAt: t.dueAt,
    tags: t.tags,
    steps: t.steps.map((s) => ({ id: s.id, title: s.title, done: s.done })),
  };
}

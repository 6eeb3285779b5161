// The editable fields of a task as form values, and back to an API body.
import type { Task, TaskInput, TaskPriority, TaskStatus } from '../api/types';

export interface TaskFormValues {
  title: string;
  description: string;
  status: TaskStatus;
  priority: TaskPriority;
  dueAt: string;
  tags: string;
}

/** ISO instant → the `datetime-local` input's local time `YYYY-MM-DDTHH:mm`. */
export function toLocalInput(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export const EMPTY_FORM: TaskFormValues = {
  title: '',
  description: '',
  status: 'todo',
  priority: 'none',
  dueAt: '',
  tags: '',
};

export const formOf = (t: Task): TaskFormValues => ({
  title: t.title,
  description: t.description,
  status: t.status,
  priority: t.priority,
  dueAt: toLocalInput(t.dueAt),
  tags: t.tags.join(', '),
});

export function bodyOf(v: TaskFormValues): TaskInput {
  return {
    title: v.title.trim(),
    description: v.description,
    status: v.status,
    priority: v.priority,
    dueAt: v.dueAt ? new Date(v.dueAt).toISOString() : null,
    tags: v.tags
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean),
  };
}

export const sameForm = (a: TaskFormValues, b: TaskFormValues) => JSON.stringify(a) === JSON.stringify(b);

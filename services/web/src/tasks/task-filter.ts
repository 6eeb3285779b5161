// Which tasks a query shows, decided in the browser too: live events and the offline snapshot
// are filtered the same way the server filters the list (except full-text search, which the
// offline view approximates with a substring match).
import type { Task, TaskPriority, TaskQuery, TaskStatus } from '../api/types';

export interface TaskFilters {
  q: string;
  status: TaskStatus | '';
  priority: TaskPriority | '';
  tag: string;
  overdue: boolean;
}

export const NO_FILTERS: TaskFilters = { q: '', status: '', priority: '', tag: '', overdue: false };

export function filtersFromSearch(search: URLSearchParams): TaskFilters {
  return {
    q: search.get('q') ?? '',
    status: (search.get('status') ?? '') as TaskFilters['status'],
    priority: (search.get('priority') ?? '') as TaskFilters['priority'],
    tag: search.get('tag') ?? '',
    overdue: search.get('overdue') === 'true',
  };
}

export function toQuery(f: TaskFilters): TaskQuery {
  return {
    ...(f.q ? { q: f.q } : {}),
    ...(f.status ? { status: [f.status] } : {}),
    ...(f.priority ? { priority: [f.priority] } : {}),
    ...(f.tag ? { tag: f.tag } : {}),
    ...(f.overdue ? { overdue: true } : {}),
  };
}

export const isOverdue = (t: Task, now = Date.now()) =>
  t.dueAt !== null && Date.parse(t.dueAt) < now && t.status !== 'done' && t.status !== 'cancelled';

export function matches(t: Task, f: TaskFilters): boolean {
  if (f.status && t.status !== f.status) return false;
  if (f.priority && t.priority !== f.priority) return false;
  if (f.tag && !t.tags.includes(f.tag)) return false;
  if (f.overdue && !isOverdue(t)) return false;
  if (f.q) {
    const text = [t.title, t.description, ...t.steps.map((s) => s.title)].join(' ').toLowerCase();
    if (
      !f.q
        .toLowerCase()
        .split(/\s+/)
        .every((w) => text.includes(w))
    )
      return false;
  }
  return true;
}

/** Newest first, like the server's default sort. */
export const byCreatedDesc = (a: Task, b: Task) => b.createdAt.localeCompare(a.createdAt);

// Search and filters; they live in the URL so a filtered view can be bookmarked and shared.
import { type FormEvent, useId } from 'react';
import { TASK_PRIORITIES, TASK_STATUSES } from '../api/types';
import { useApi } from '../app/context';
import { navigate } from '../app/router';
import { Checkbox, SelectField } from '../ui/forms';
import { useResource } from '../ui/hooks';
import type { TaskFilters } from './task-filter';

export function TaskFiltersBar({ filters, view }: { filters: TaskFilters; view: string }) {
  const api = useApi();
  const tags = useResource(() => api.tasks.tags(), [api]);
  const searchId = useId();
  const go = (next: Partial<TaskFilters>) => {
    const f = { ...filters, ...next };
    const params = new URLSearchParams();
    if (view !== 'list') params.set('view', view);
    for (const [k, v] of Object.entries(f)) if (v) params.set(k, String(v));
    const qs = params.toString();
    navigate(`/tasks${qs ? `?${qs}` : ''}`, { replace: true });
  };
  const search = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    go({ q: String(new FormData(e.currentTarget).get('q') ?? '').trim() });
  };
  return (
    <div className="filters">
      <search>
        <form onSubmit={search} className="search">
          <label htmlFor={searchId} className="visually-hidden">
            Search tasks
          </label>
          <input
            id={searchId}
            name="q"
            type="search"
            placeholder="Search tasks"
            defaultValue={filters.q}
            key={filters.q}
          />
          <button type="submit">Search</button>
        </form>
      </search>
      <SelectField
        label="Status"
        value={filters.status}
        onChange={(e) => go({ status: e.target.value as TaskFilters['status'] })}
        options={[['', 'any'], ...TASK_STATUSES]}
      />
      <SelectField
        label="Priority"
        value={filters.priority}
        onChange={(e) => go({ priority: e.target.value as TaskFilters['priority'] })}
        options={[['', 'any'], ...TASK_PRIORITIES]}
      />
      <SelectField
        label="Tag"
        value={filters.tag}
        onChange={(e) => go({ tag: e.target.value })}
        options={[
          ['', 'any'],
          ...(tags.data?.items.map((t) => [t.tag, `#${t.tag} (${t.count})`] as [string, string]) ?? []),
        ]}
      />
      <Checkbox
        label="Overdue only"
        checked={filters.overdue}
        onChange={(e) => go({ overdue: e.target.checked })}
      />
    </div>
  );
}

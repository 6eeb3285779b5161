// Tasks as a list or a board by status, with search and filters from the URL.
import { useState } from 'react';
import type { Task, TaskStatus } from '../api/types';
import { Link, navigate, useLocation } from '../app/router';
import { ErrorNote } from '../ui/forms';
import { OfflineQueueNotice } from './OfflineQueueNotice';
import { TaskBoard } from './TaskBoard';
import { TaskFiltersBar } from './TaskFiltersBar';
import { TaskList } from './TaskList';
import { filtersFromSearch } from './task-filter';
import { useTaskActions } from './useTaskActions';
import { useTasks } from './useTasks';

export function TasksPage() {
  const { search } = useLocation();
  const view = search.get('view') === 'board' ? 'board' : 'list';
  const filters = filtersFromSearch(search);
  const tasks = useTasks(filters);
  const { setStatus } = useTaskActions(tasks.apply);
  const [message, setMessage] = useState<string | undefined>();
  const onStatus = (task: Task, status: TaskStatus) => void setStatus(task, status).then(setMessage);
  const switchView = (next: string) => {
    const params = new URLSearchParams(search);
    if (next === 'board') params.set('view', 'board');
    else params.delete('view');
    const qs = params.toString();
    navigate(`/tasks${qs ? `?${qs}` : ''}`, { replace: true });
  };
  const Body = view === 'board' ? TaskBoard : TaskList;
  return (
    <>
      <div className="page-head">
        <h1>Tasks</h1>
        <fieldset className="segmented">
          <legend className="visually-hidden">View</legend>
          <button type="button" aria-pressed={view === 'list'} onClick={() => switchView('list')}>
            List
          </button>
          <button type="button" aria-pressed={view === 'board'} onClick={() => switchView('board')}>
            Board
          </button>
        </fieldset>
        <Link href="/tasks/new" className="button primary">
          New task
        </Link>
      </div>
      <TaskFiltersBar filters={filters} view={view} />
      {tasks.offline && (
        <p className="notice warning" role="status">
          Offline: showing the tasks as last seen. Status changes are queued until you are back online.
        </p>
      )}
      <OfflineQueueNotice onReplayed={tasks.reload} />
      {message && (
        <p className="notice" role="status">
          {message}
        </p>
      )}
      <ErrorNote error={tasks.error} />
      <Body tasks={tasks.items} onStatus={onStatus} />
      {tasks.nextCursor && (
        <button type="button" onClick={() => void tasks.loadMore()}>
          Load more
        </button>
      )}
    </>
  );
}

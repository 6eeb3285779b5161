import type { Task, TaskStatus } from '../api/types';
import { TASK_STATUSES } from '../api/types';
import { Link } from '../app/router';
import { formatDate } from '../ui/hooks';
import { isOverdue } from './task-filter';

export const statusLabel = (s: string) => s.replace('_', ' ');

export function TaskCard({
  task,
  onStatus,
  headingLevel = 2,
}: {
  task: Task;
  /** 2 in the list (under the page's h1), 3 on the board (under the column's h2). */
  headingLevel?: 2 | 3;
  onStatus: (task: Task, status: TaskStatus) => void;
}) {
  const overdue = isOverdue(task);
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <article className={`task-card priority-${task.priority}`} aria-labelledby={`task-${task.id}`}>
      <Heading id={`task-${task.id}`} className="task-title">
        <Link href={`/tasks/${task.id}`}>{task.title}</Link>
      </Heading>
      <p className="meta">
        <span className={`badge priority-${task.priority}`}>{task.priority}</span>
        {task.dueAt && (
          <span className={overdue ? 'due overdue' : 'due'}>
            {overdue ? 'overdue · ' : 'due '}
            {formatDate(task.dueAt)}
          </span>
        )}
        {task.progress.total > 0 && (
          <span className="progress-text" data-testid="task-progress">
            {task.progress.done}/{task.progress.total} steps
          </span>
        )}
      </p>
      {task.progress.total > 0 && (
        <progress
          max={task.progress.total}
          value={task.progress.done}
          aria-label={`Progress of ${task.title}`}
        />
      )}
      {task.tags.length > 0 && (
        <ul className="tags" aria-label="Tags">
          {task.tags.map((t) => (
            <li key={t}>#{t}</li>
          ))}
        </ul>
      )}
      <label className="status-select">
        <span className="visually-hidden">Status of {task.title}</span>
        <select value={task.status} onChange={(e) => onStatus(task, e.target.value as TaskStatus)}>
          {TASK_STATUSES.map((s) => (
            <option key={s} value={s}>
              {statusLabel(s)}
            </option>
          ))}
        </select>
      </label>
    </article>
  );
}

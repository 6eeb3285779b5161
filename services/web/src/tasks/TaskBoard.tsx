import type { Task, TaskStatus } from '../api/types';
import { TASK_STATUSES } from '../api/types';
import { statusLabel, TaskCard } from './TaskCard';

export function TaskBoard({
  tasks,
  onStatus,
}: {
  tasks: Task[];
  onStatus: (task: Task, status: TaskStatus) => void;
}) {
  return (
    <div className="board">
      {TASK_STATUSES.map((status) => {
        const column = tasks.filter((t) => t.status === status);
        return (
          <section key={status} className="board-column" aria-labelledby={`col-${status}`}>
            <h2 id={`col-${status}`}>
              {statusLabel(status)} <span className="count">{column.length}</span>
            </h2>
            {column.map((t) => (
              <TaskCard key={t.id} task={t} onStatus={onStatus} headingLevel={3} />
            ))}
          </section>
        );
      })}
    </div>
  );
}

import type { Task, TaskStatus } from '../api/types';
import { TaskCard } from './TaskCard';

export function TaskList({
  tasks,
  onStatus,
}: {
  tasks: Task[];
  onStatus: (task: Task, status: TaskStatus) => void;
}) {
  if (tasks.length === 0) return <p className="empty">No tasks here yet.</p>;
  return (
    <ul className="task-list" aria-label="Tasks">
      {tasks.map((t) => (
        <li key={t.id}>
          <TaskCard task={t} onStatus={onStatus} />
        </li>
      ))}
    </ul>
  );
}

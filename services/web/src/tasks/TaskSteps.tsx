// The checklist of a saved task: toggle, remove and add steps, each a single API call with the
// task's version (a 412 reloads the task and says so).
import { type FormEvent, useId } from 'react';
import type { Task } from '../api/types';
import { useApi } from '../app/context';
import { ErrorNote } from '../ui/forms';
import { useAction } from '../ui/hooks';

export function TaskSteps({ task, onTask }: { task: Task; onTask: (task: Task) => void }) {
  const api = useApi();
  const inputId = useId();
  const act = useAction(async (call: () => Promise<Task>) => onTask(await call()));
  const add = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const title = String(new FormData(form).get('step') ?? '').trim();
    if (!title) return;
    void act.run(() => api.tasks.addStep(task.id, title, task.version)).then(() => form.reset());
  };
  return (
    <section aria-labelledby="steps-h" className="steps-section">
      <h2 id="steps-h">
        Steps{' '}
        <span className="count">
          {task.progress.done}/{task.progress.total} done
        </span>
      </h2>
      <ul className="steps plain-list">
        {task.steps.map((s) => (
          <li key={s.id} className="row">
            <label>
              <input
                type="checkbox"
                checked={s.done}
                onChange={() => void act.run(() => api.tasks.toggleStep(task.id, s.id, task.version))}
              />{' '}
              <span className={s.done ? 'done' : ''}>{s.title}</span>
            </label>
            <button
              type="button"
              onClick={() => void act.run(() => api.tasks.removeStep(task.id, s.id, task.version))}
              aria-label={`Delete step ${s.title}`}
            >
              Delete
            </button>
          </li>
        ))}
      </ul>
      <form onSubmit={add} className="inline-form">
        <label htmlFor={inputId}>Add a step</label>
        <input id={inputId} name="step" maxLength={500} />
        <button type="submit">Add</button>
      </form>
      <ErrorNote error={act.error} />
    </section>
  );
}

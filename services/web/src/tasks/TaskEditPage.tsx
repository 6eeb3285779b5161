// One task: its fields, its steps and delete. Changes made elsewhere arrive live; unsaved edits
// are kept and a save against a changed task (412) offers to load theirs or keep mine.
import { type FormEvent, useState } from 'react';
import { ApiError } from '../api/http';
import type { Task } from '../api/types';
import { useApi, useLiveEvents } from '../app/context';
import { Link, navigate } from '../app/router';
import { ErrorNote } from '../ui/forms';
import { formatDate, useAction, useResource } from '../ui/hooks';
import { TaskFields } from './TaskFields';
import { TaskSteps } from './TaskSteps';
import { bodyOf, formOf, sameForm, type TaskFormValues } from './task-form';

export function TaskEditPage({ id }: { id: string }) {
  const api = useApi();
  const task = useResource(() => api.tasks.get(id), [api, id]);
  if (task.error instanceof ApiError && task.error.status === 404)
    return (
      <section className="card">
        <h1>Task not found</h1>
        <Link href="/tasks">Back to tasks</Link>
      </section>
    );
  if (!task.data) return <ErrorNote error={task.error} />;
  return <TaskEditor key={task.data.id} initial={task.data} />;
}

function TaskEditor({ initial }: { initial: Task }) {
  const api = useApi();
  const [task, setTask] = useState(initial);
  // The version the form's values are based on.
  const [base, setBase] = useState(initial);
  const [values, setValues] = useState<TaskFormValues>(formOf(initial));
  const [conflict, setConflict] = useState<Task | undefined>();
  const [saved, setSaved] = useState(false);
  const dirty = !sameForm(values, formOf(base));

  const accept = (next: Task) => {
    setTask((old) => (old.version > next.version ? old : next));
    if (!dirty) {
      setBase(next);
      setValues(formOf(next));
    }
  };
  useLiveEvents(['task.'], (event) => {
    if (event.type === 'task.deleted' && (event.data as { id: string }).id === task.id) navigate('/tasks');
    if (event.type === 'task.updated' && (event.data as Task).id === task.id) accept(event.data as Task);
  });

  const save = useAction(async (version: number) => {
    setSaved(false);
    try {
      const next = await api.tasks.update(task.id, bodyOf(values), version);
      setTask(next);
      setBase(next);
      setValues(formOf(next));
      setConflict(undefined);
      setSaved(true);
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 412)) throw err;
      setConflict(await api.tasks.get(task.id));
    }
  });
  const remove = useAction(async () => {
    await api.tasks.remove(task.id, task.version);
    navigate('/tasks');
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save.run(base.version);
  };

  return (
    <section className="card">
      <p>
        <Link href="/tasks">← All tasks</Link>
      </p>
      <h1>{task.title}</h1>
      <p className="meta">
        created {formatDate(task.createdAt)} · updated {formatDate(task.updatedAt)} · version {task.version}
      </p>
      {conflict && (
        <div className="notice warning" role="alert">
          <p>This task was changed elsewhere after you started editing (now version {conflict.version}).</p>
          <button
            type="button"
            onClick={() => {
              setTask(conflict);
              setBase(conflict);
              setValues(formOf(conflict));
              setConflict(undefined);
            }}
          >
            Load their version
          </button>{' '}
          <button type="button" onClick={() => void save.run(conflict.version)}>
            Keep mine (overwrite)
          </button>
        </div>
      )}
      {!conflict && dirty && task.version !== base.version && (
        <p className="notice" role="status">
          This task changed elsewhere while you edit; saving will ask what to keep.
        </p>
      )}
      <form onSubmit={submit}>
        <TaskFields values={values} onChange={setValues} />
        <ErrorNote error={save.error ?? remove.error} />
        {saved && !dirty && <p role="status">Saved.</p>}
        <button type="submit" className="primary" disabled={save.busy || !dirty}>
          Save
        </button>{' '}
        <button type="button" className="danger" onClick={() => void remove.run()} disabled={remove.busy}>
          Delete task
        </button>
      </form>
      <TaskSteps task={task} onTask={accept} />
    </section>
  );
}

// A new task with its steps. Offline it is queued (with its Idempotency-Key) and created when
// the connection is back.
import { type FormEvent, useState } from 'react';
import { NetworkError } from '../api/http';
import { useApi, useUser } from '../app/context';
import { Link, navigate } from '../app/router';
import { ErrorNote, TextField } from '../ui/forms';
import { useAction } from '../ui/hooks';
import { offlineStore } from './offline-store';
import { TaskFields } from './TaskFields';
import { bodyOf, EMPTY_FORM } from './task-form';

export function NewTaskPage() {
  const api = useApi();
  const user = useUser();
  const [values, setValues] = useState(EMPTY_FORM);
  const [steps, setSteps] = useState<{ key: string; title: string }[]>([]);
  const [stepDraft, setStepDraft] = useState('');
  const [queued, setQueued] = useState(false);
  const create = useAction(async () => {
    const body = { ...bodyOf(values), steps: steps.map(({ title }) => ({ title })) };
    const key = crypto.randomUUID();
    try {
      const task = await api.tasks.create(body, key);
      navigate(`/tasks/${task.id}`);
    } catch (err) {
      if (!(err instanceof NetworkError)) throw err;
      offlineStore.enqueue(user.id, { key, kind: 'create', body, title: body.title });
      setQueued(true);
    }
  });
  const addStep = () => {
    if (!stepDraft.trim()) return;
    setSteps([...steps, { key: crypto.randomUUID(), title: stepDraft.trim() }]);
    setStepDraft('');
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void create.run();
  };
  if (queued)
    return (
      <section className="card">
        <h1>Task queued</h1>
        <p role="status">You are offline. “{values.title}” will be created when the connection is back.</p>
        <Link href="/tasks">Back to tasks</Link>
      </section>
    );
  return (
    <section className="card">
      <h1>New task</h1>
      <form onSubmit={submit}>
        <TaskFields values={values} onChange={setValues} />
        <fieldset>
          <legend>Steps</legend>
          <ol className="steps">
            {steps.map((s) => (
              <li key={s.key} className="row">
                <span>{s.title}</span>
                <button
                  type="button"
                  onClick={() => setSteps(steps.filter((x) => x.key !== s.key))}
                  aria-label={`Remove step ${s.title}`}
                >
                  Remove
                </button>
              </li>
            ))}
          </ol>
          <div className="inline-form">
            <TextField
              label="New step"
              value={stepDraft}
              onChange={(e) => setStepDraft(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  addStep();
                }
              }}
            />
            <button type="button" onClick={addStep}>
              Add step
            </button>
          </div>
        </fieldset>
        <ErrorNote error={create.error} />
        <button type="submit" className="primary" disabled={create.busy}>
          Create task
        </button>{' '}
        <Link href="/tasks">Cancel</Link>
      </form>
    </section>
  );
}

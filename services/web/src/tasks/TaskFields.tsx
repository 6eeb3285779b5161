import { TASK_PRIORITIES, TASK_STATUSES } from '../api/types';
import { SelectField, TextArea, TextField } from '../ui/forms';
import type { TaskFormValues } from './task-form';

export function TaskFields({
  values,
  onChange,
}: {
  values: TaskFormValues;
  onChange: (values: TaskFormValues) => void;
}) {
  const set = <K extends keyof TaskFormValues>(key: K, value: TaskFormValues[K]) =>
    onChange({ ...values, [key]: value });
  return (
    <>
      <TextField
        label="Title"
        value={values.title}
        onChange={(e) => set('title', e.target.value)}
        required
        maxLength={200}
      />
      <TextArea
        label="Description"
        value={values.description}
        onChange={(e) => set('description', e.target.value)}
        rows={3}
      />
      <div className="grid-3">
        <SelectField
          label="Status"
          value={values.status}
          onChange={(e) => set('status', e.target.value as TaskFormValues['status'])}
          options={TASK_STATUSES}
        />
        <SelectField
          label="Priority"
          value={values.priority}
          onChange={(e) => set('priority', e.target.value as TaskFormValues['priority'])}
          options={TASK_PRIORITIES}
        />
        <TextField
          label="Due"
          type="datetime-local"
          value={values.dueAt}
          onChange={(e) => set('dueAt', e.target.value)}
        />
      </div>
      <TextField
        label="Tags"
        value={values.tags}
        onChange={(e) => set('tags', e.target.value)}
        hint="comma-separated, e.g. work, urgent"
      />
    </>
  );
}

import { useState } from 'react';
import { MEMORY_KINDS, type Memory, type MemoryKind } from '../../api/types';
import { useApi } from '../../app/context';
import { ErrorNote, SelectField, TextArea, TextField } from '../../ui/forms';
import { formatDate, useAction } from '../../ui/hooks';

export function MemoryItem({
  memory,
  score,
  onChange,
}: {
  memory: Memory;
  score: number | undefined;
  onChange: (m: Memory | undefined) => void;
}) {
  const api = useApi();
  const [editing, setEditing] = useState(false);
  const update = useAction(async (body: Parameters<typeof api.memory.update>[1]) => {
    onChange(await api.memory.update(memory.id, body));
    setEditing(false);
  });
  const remove = useAction(async () => {
    await api.memory.remove(memory.id);
    onChange(undefined);
  });
  if (editing)
    return (
      <form
        className="card"
        onSubmit={(e) => {
          e.preventDefault();
          const data = new FormData(e.currentTarget);
          void update.run({
            content: String(data.get('content')),
            kind: String(data.get('kind')) as MemoryKind,
            tags: String(data.get('tags') ?? '')
              .split(',')
              .map((t) => t.trim())
              .filter(Boolean),
          });
        }}
      >
        <TextArea label="Content" name="content" defaultValue={memory.content} required maxLength={4000} />
        <div className="grid-3">
          <SelectField label="Kind" name="kind" defaultValue={memory.kind} options={MEMORY_KINDS} />
          <TextField label="Tags" name="tags" defaultValue={memory.tags.join(', ')} />
        </div>
        <ErrorNote error={update.error} />
        <button type="submit" className="primary" disabled={update.busy}>
          Save
        </button>{' '}
        <button type="button" onClick={() => setEditing(false)}>
          Cancel
        </button>
      </form>
    );
  return (
    <article className="card memory">
      <p className="content">{memory.content}</p>
      <p className="meta">
        <span className="badge">{memory.kind}</span>
        {memory.pinned && <span className="badge pinned">pinned</span>}
        {memory.tags.map((t) => (
          <span key={t} className="tag">
            #{t}
          </span>
        ))}
        {score !== undefined && <span>match {Math.round(score * 100)}%</span>}
        <span>{formatDate(memory.updatedAt)}</span>
      </p>
      <ErrorNote error={update.error ?? remove.error} />
      <div className="actions">
        <button
          type="button"
          onClick={() => setEditing(true)}
          aria-label={`Edit memory: ${memory.content.slice(0, 40)}`}
        >
          Edit
        </button>
        <button
          type="button"
          aria-pressed={memory.pinned}
          onClick={() => void update.run({ pinned: !memory.pinned })}
          aria-label={`${memory.pinned ? 'Unpin' : 'Pin'} memory: ${memory.content.slice(0, 40)}`}
        >
          {memory.pinned ? 'Unpin' : 'Pin'}
        </button>
        <button
          type="button"
          className="danger"
          onClick={() => void remove.run()}
          aria-label={`Delete memory: ${memory.content.slice(0, 40)}`}
        >
          Delete
        </button>
      </div>
    </article>
  );
}

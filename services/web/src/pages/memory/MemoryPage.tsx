// Long-term memory: browse (by kind, pinned), semantic search, add, edit, pin and delete.
import { type FormEvent, useState } from 'react';
import { MEMORY_KINDS, type Memory, type MemoryKind } from '../../api/types';
import { useApi } from '../../app/context';
import { Checkbox, ErrorNote, SelectField, TextArea, TextField } from '../../ui/forms';
import { useAction, useResource } from '../../ui/hooks';
import { MemoryItem } from './MemoryItem';

export function MemoryPage() {
  const api = useApi();
  const [kind, setKind] = useState<MemoryKind | ''>('');
  const [pinnedOnly, setPinnedOnly] = useState(false);
  const [query, setQuery] = useState('');
  const list = useResource(async (): Promise<{ memory: Memory; score?: number }[]> => {
    if (query) {
      const found = await api.memory.search(query);
      return found.items.filter((i) => (!kind || i.memory.kind === kind) && (!pinnedOnly || i.memory.pinned));
    }
    const page = await api.memory.list({
      ...(kind ? { kind } : {}),
      ...(pinnedOnly ? { pinned: true } : {}),
    });
    return page.items.map((memory) => ({ memory }));
  }, [api, kind, pinnedOnly, query]);
  const create = useAction(async (form: HTMLFormElement) => {
    const data = new FormData(form);
    await api.memory.create({
      content: String(data.get('content')),
      kind: String(data.get('kind')) as MemoryKind,
      tags: String(data.get('tags') ?? '')
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
      pinned: data.get('pinned') === 'on',
    });
    form.reset();
    await list.reload();
  });
  const search = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setQuery(String(new FormData(e.currentTarget).get('q') ?? '').trim());
  };
  const replace = (m: Memory | undefined, id: string) =>
    list.set((items) =>
      (items ?? []).flatMap((i) => (i.memory.id !== id ? [i] : m ? [{ ...i, memory: m }] : [])),
    );
  return (
    <>
      <h1>Memory</h1>
      <p>What the assistant remembers about you and your work. It uses these in chat.</p>
      <div className="filters">
        <search>
          <form onSubmit={search} className="search">
            <label htmlFor="memory-search" className="visually-hidden">
              Search memories
            </label>
            <input id="memory-search" name="q" type="search" placeholder="Search by meaning" />
            <button type="submit">Search</button>
            {query && (
              <button type="button" onClick={() => setQuery('')}>
                Clear
              </button>
            )}
          </form>
        </search>
        <SelectField
          label="Kind"
          value={kind}
          onChange={(e) => setKind(e.target.value as MemoryKind | '')}
          options={[['', 'any'], ...MEMORY_KINDS]}
        />
        <Checkbox
          label="Pinned only"
          checked={pinnedOnly}
          onChange={(e) => setPinnedOnly(e.target.checked)}
        />
      </div>
      <ErrorNote error={list.error} />
      <ul className="plain-list memories" aria-label="Memories">
        {list.data?.map(({ memory, score }) => (
          <li key={memory.id}>
            <MemoryItem memory={memory} score={score} onChange={(m) => replace(m, memory.id)} />
          </li>
        ))}
      </ul>
      {list.data?.length === 0 && (
        <p className="empty">{query ? 'Nothing similar found.' : 'No memories yet.'}</p>
      )}
      <section className="card" aria-labelledby="new-memory-h">
        <h2 id="new-memory-h">Remember something</h2>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void create.run(e.currentTarget);
          }}
        >
          <TextArea label="Content" name="content" required maxLength={4000} rows={2} />
          <div className="grid-3">
            <SelectField label="Kind" name="kind" defaultValue="fact" options={MEMORY_KINDS} />
            <TextField label="Tags" name="tags" hint="comma-separated" />
            <Checkbox label="Pinned" name="pinned" />
          </div>
          <ErrorNote error={create.error} />
          <button type="submit" className="primary" disabled={create.busy}>
            Save memory
          </button>
        </form>
      </section>
    </>
  );
}

// Chat: the conversations on the side, the active one with its streaming answer, stop and
// regenerate, and what the agent did with its tools.
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useApi, useLiveEvents } from '../../app/context';
import { Link, navigate } from '../../app/router';
import { ErrorNote } from '../../ui/forms';
import { formatDate, useAction, useResource } from '../../ui/hooks';
import { MessageItem } from './MessageItem';
import { useConversation } from './useConversation';

export function ChatPage({ id }: { id?: string }) {
  const api = useApi();
  const [query, setQuery] = useState('');
  const list = useResource(() => api.chat.conversations(query || undefined), [api, query]);
  useLiveEvents(['chat.turn.done'], () => void list.reload());
  const create = useAction(async () => {
    const c = await api.chat.create();
    await list.reload();
    navigate(`/chat/${c.id}`);
  });
  return (
    <div className="chat-layout">
      <nav className="conversations" aria-label="Conversations">
        <h1>Chat</h1>
        <button type="button" className="primary" onClick={() => void create.run()} disabled={create.busy}>
          New conversation
        </button>
        <search>
          <form
            className="search"
            onSubmit={(e) => {
              e.preventDefault();
              setQuery(String(new FormData(e.currentTarget).get('q') ?? '').trim());
            }}
          >
            <label htmlFor="conversation-search" className="visually-hidden">
              Search conversations
            </label>
            <input id="conversation-search" name="q" type="search" placeholder="Search conversations" />
            <button type="submit">Search</button>
          </form>
        </search>
        <ErrorNote error={list.error ?? create.error} />
        <ul className="plain-list">
          {list.data?.items.map((c) => (
            <li key={c.id}>
              <Link href={`/chat/${c.id}`} aria-current={c.id === id ? 'page' : undefined}>
                {c.title || 'New conversation'}
              </Link>
              <small> {formatDate(c.updatedAt)}</small>
            </li>
          ))}
        </ul>
      </nav>
      {id ? (
        <ConversationView key={id} id={id} onChanged={list.reload} />
      ) : (
        <section className="card">
          <p>
            Start a conversation. The assistant can create and update your tasks and remember things for you.
          </p>
        </section>
      )}
    </div>
  );
}

function ConversationView({ id, onChanged }: { id: string; onChanged: () => Promise<void> }) {
  const api = useApi();
  const { conversation, view, error, setGenerating, reload } = useConversation(id);
  const end = useRef<HTMLDivElement>(null);
  /** Marks the conversation busy while a turn starts; a refused start (e.g. 409) frees it again. */
  const starting = async (start: () => Promise<unknown>) => {
    setGenerating(true);
    try {
      await start();
    } catch (err) {
      setGenerating(false);
      throw err;
    }
  };
  const send = useAction((content: string) => starting(() => api.chat.send(id, content)));
  const stop = useAction(() => api.chat.stop(id));
  const regenerate = useAction((messageId: string) => starting(() => api.chat.regenerate(id, messageId)));
  const branch = useAction(async (messageId: string) => {
    await api.chat.activateBranch(id, messageId);
    await reload();
  });
  const remove = useAction(async () => {
    await api.chat.remove(id);
    await onChanged();
    navigate('/chat');
  });
  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll when the messages change
  useEffect(() => {
    end.current?.scrollIntoView?.({ block: 'end' });
  }, [view.messages]);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const content = String(new FormData(form).get('content') ?? '').trim();
    if (!content) return;
    form.reset();
    void send.run(content);
  };
  const lastAnswer = [...view.messages].reverse().find((m) => m.role === 'assistant');
  return (
    <section className="conversation" aria-labelledby="conversation-title">
      <div className="page-head">
        <h2 id="conversation-title">{conversation?.title || 'New conversation'}</h2>
        <button type="button" className="danger" onClick={() => void remove.run()}>
          Delete
        </button>
      </div>
      <ErrorNote
        error={error ?? send.error ?? stop.error ?? regenerate.error ?? branch.error ?? remove.error}
      />
      <div className="messages" aria-live="polite" aria-busy={view.generating}>
        {view.messages.map((m) => (
          <MessageItem key={m.id} message={m} onBranch={(messageId) => void branch.run(messageId)} />
        ))}
        <div ref={end} />
      </div>
      <div className="chat-actions">
        {view.generating ? (
          <button type="button" onClick={() => void stop.run()}>
            Stop
          </button>
        ) : (
          lastAnswer && (
            <button type="button" onClick={() => void regenerate.run(lastAnswer.id)}>
              Regenerate
            </button>
          )
        )}
      </div>
      <form onSubmit={submit} className="composer">
        <label htmlFor="chat-input" className="visually-hidden">
          Message
        </label>
        <textarea
          id="chat-input"
          name="content"
          rows={2}
          placeholder="Ask anything, e.g. “remind me to call Anna tomorrow at 9”"
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) {
              e.preventDefault();
              e.currentTarget.form?.requestSubmit();
            }
          }}
        />
        <button type="submit" className="primary" disabled={view.generating || send.busy}>
          Send
        </button>
      </form>
    </section>
  );
}

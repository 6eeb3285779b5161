import type { Message } from '../../api/types';
import { ToolCallLine, ToolResult } from './ToolActivity';

export function MessageItem({
  message,
  onBranch,
}: {
  message: Message;
  onBranch: (messageId: string) => void;
}) {
  if (message.role === 'tool') return <ToolResult message={message} />;
  const siblings = message.siblingIds ?? [];
  const position = siblings.indexOf(message.id);
  const who = message.role === 'user' ? 'You' : 'Assistant';
  return (
    <article className={`message ${message.role}`} aria-label={`${who} said`}>
      <p className="who">{who}</p>
      {message.content && <div className="content">{message.content}</div>}
      {message.toolCalls?.map((c) => (
        <ToolCallLine key={c.id} call={c} />
      ))}
      {message.status === 'streaming' && !message.content && !message.toolCalls?.length && (
        <p className="typing">Thinking…</p>
      )}
      {message.status === 'stopped' && <p className="meta">Stopped.</p>}
      {siblings.length > 1 && position >= 0 && (
        <nav
          className="branches"
          aria-label={`Versions of this ${message.role === 'user' ? 'question' : 'answer'}`}
        >
          <button
            type="button"
            disabled={position === 0}
            onClick={() => onBranch(siblings[position - 1]!)}
            aria-label="Previous version"
          >
            ‹
          </button>
          <span>
            {position + 1} / {siblings.length}
          </span>
          <button
            type="button"
            disabled={position === siblings.length - 1}
            onClick={() => onBranch(siblings[position + 1]!)}
            aria-label="Next version"
          >
            ›
          </button>
        </nav>
      )}
      {message.status === 'error' && (
        <p className="error" role="alert">
          The answer failed: {message.error}
        </p>
      )}
    </article>
  );
}

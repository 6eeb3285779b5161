import type { Message } from '../../api/types';
import { ToolCallLine, ToolResult } from './ToolActivity';

export function MessageItem({ message }: { message: Message }) {
  if (message.role === 'tool') return <ToolResult message={message} />;
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
      {message.status === 'error' && (
        <p className="error" role="alert">
          The answer failed: {message.error}
        </p>
      )}
    </article>
  );
}

// What the agent did with a tool, in words, with a link to what it touched (a task, memory).
import type { Message, ToolCall } from '../../api/types';
import { Link } from '../../app/router';

const TOOL_VERBS: Record<string, string> = {
  create_task: 'Created task',
  update_task: 'Updated task',
  list_tasks: 'Looked up tasks',
  complete_step: 'Completed a step of',
  remember: 'Remembered',
  recall: 'Looked up memories',
};

interface Touched {
  id?: string;
  title?: string;
  content?: string;
}

function touchedOf(content: string): Touched | undefined {
  try {
    const parsed = JSON.parse(content) as Record<string, unknown>;
    for (const value of Object.values(parsed)) {
      if (value && typeof value === 'object' && !Array.isArray(value) && 'id' in value)
        return value as Touched;
    }
  } catch {
    // not JSON: nothing to link
  }
  return undefined;
}

export function ToolCallLine({ call }: { call: ToolCall }) {
  return (
    <p className="tool-call">
      <span aria-hidden="true">⚙</span> Calling <code>{call.name}</code>
    </p>
  );
}

export function ToolResult({ message }: { message: Message }) {
  const name = message.toolName ?? 'tool';
  const failed = message.finishReason === 'error';
  const touched = touchedOf(message.content);
  const verb = TOOL_VERBS[name] ?? `Used ${name}`;
  const isTask = name.includes('task') || name.includes('step');
  return (
    <p className={failed ? 'tool-result failed' : 'tool-result'} data-testid="tool-result">
      {failed ? (
        <>
          <code>{name}</code> failed: {message.content}
        </>
      ) : touched?.id && isTask ? (
        <>
          {verb} <Link href={`/tasks/${touched.id}`}>“{touched.title ?? touched.id}”</Link>
        </>
      ) : touched?.id ? (
        <>
          {verb} <Link href="/memory">{touched.content ?? 'a memory'}</Link>
        </>
      ) : (
        verb
      )}
    </p>
  );
}

// Applies the chat user events of one conversation (services/chat turn-events.ts) to the
// messages on screen. Deltas carry their index within the message, so a gap (something missed)
// is noticed and answered by reloading the conversation.
import type { Message, ToolCall } from '../../api/types';

export interface ChatView {
  messages: Message[];
  generating: boolean;
  /** The next delta index expected per streaming message. */
  nextDelta: Record<string, number>;
}

export type ChatEventOutcome = { view: ChatView; reload?: boolean };

type EventData = { conversationId: string; messageId: string } & Record<string, unknown>;

const upsert = (messages: Message[], m: Message) =>
  messages.some((x) => x.id === m.id)
    ? messages.map((x) => (x.id === m.id ? { ...x, ...m } : x))
    : [...messages, m];

export function applyChatEvent(view: ChatView, type: string, data: EventData): ChatEventOutcome {
  switch (type) {
    case 'chat.message.created':
    case 'chat.message.done': {
      const message = data.message as Message;
      return {
        view: {
          ...view,
          messages: upsert(view.messages, message),
          generating: view.generating || type.endsWith('created'),
        },
      };
    }
    case 'chat.message.delta': {
      const index = data.index as number;
      const expected = view.nextDelta[data.messageId] ?? 0;
      if (index < expected) return { view }; // already have it (a replay after resume)
      if (index > expected) return { view, reload: true };
      const messages = view.messages.map((m) =>
        m.id === data.messageId ? { ...m, content: m.content + String(data.text) } : m,
      );
      return { view: { ...view, messages, nextDelta: { ...view.nextDelta, [data.messageId]: index + 1 } } };
    }
    case 'chat.tool.call': {
      const call = data.toolCall as ToolCall;
      const messages = view.messages.map((m) =>
        m.id === data.messageId && !m.toolCalls?.some((c) => c.id === call.id)
          ? { ...m, toolCalls: [...(m.toolCalls ?? []), call] }
          : m,
      );
      return { view: { ...view, messages } };
    }
    case 'chat.tool.result': {
      const tool: Message = {
        id: data.messageId,
        conversationId: data.conversationId,
        parentId: null,
        role: 'tool',
        content: String(data.content ?? ''),
        toolCalls: null,
        toolCallId: String(data.toolCallId ?? ''),
        toolName: String(data.name ?? ''),
        status: 'complete',
        finishReason: data.ok ? 'ok' : 'error',
        error: data.ok ? null : 'the tool failed',
        model: null,
        createdAt: new Date().toISOString(),
      };
      return { view: { ...view, messages: upsert(view.messages, tool) } };
    }
    case 'chat.message.error': {
      const messages = view.messages.map((m) =>
        m.id === data.messageId
          ? { ...m, status: 'error' as const, error: String(data.message ?? 'failed') }
          : m,
      );
      return { view: { ...view, messages } };
    }
    case 'chat.turn.done':
      return { view: { ...view, generating: false }, reload: true };
    default:
      return { view };
  }
}

// An OpenAI chat-completion body → the bridge's ChatRequest (pure). `developer` is OpenAI's
// newer name for `system`; content-part arrays are joined to their text.
import type { ChatCompletionBody } from '../api.js';
import type { ChatMessage, ChatRequest } from '../domain/types.js';

type BodyMessage = ChatCompletionBody['messages'][number];

function textOf(content: BodyMessage['content']): string {
  if (typeof content === 'string') return content;
  if (!content) return '';
  return content.map((p) => p.text ?? '').join('');
}

export function toChatMessage(m: BodyMessage): ChatMessage {
  const out: ChatMessage = { role: m.role === 'developer' ? 'system' : m.role, content: textOf(m.content) };
  if (m.name) out.name = m.name;
  if (m.tool_calls?.length) {
    out.toolCalls = m.tool_calls.map((c) => ({
      id: c.id,
      name: c.function.name,
      arguments: c.function.arguments,
    }));
  }
  if (m.tool_call_id) out.toolCallId = m.tool_call_id;
  return out;
}

export function toChatRequest(body: ChatCompletionBody): ChatRequest {
  const maxTokens = body.max_completion_tokens ?? body.max_tokens ?? undefined;
  const stop = typeof body.stop === 'string' ? [body.stop] : (body.stop ?? undefined);
  return {
    model: body.model,
    messages: body.messages.map(toChatMessage),
    ...(body.tools?.length
      ? {
          tools: body.tools.map((t) => ({
            name: t.function.name,
            ...(t.function.description ? { description: t.function.description } : {}),
            ...(t.function.parameters ? { parameters: t.function.parameters } : {}),
          })),
        }
      : {}),
    ...(body.tool_choice !== undefined ? { toolChoice: body.tool_choice } : {}),
    ...(typeof body.temperature === 'number' ? { temperature: body.temperature } : {}),
    ...(typeof body.top_p === 'number' ? { topP: body.top_p } : {}),
    ...(typeof body.seed === 'number' ? { seed: body.seed } : {}),
    ...(maxTokens !== undefined ? { maxTokens } : {}),
    ...(stop?.length ? { stop } : {}),
    ...(body.response_format !== undefined ? { responseFormat: body.response_format } : {}),
  };
}

// A small client for the chat API through the gateway, as one user, with an SSE reader.
import type { Api, ApiResponse } from '../../../auth/test/client.js';
import type { User } from './harness.js';

export interface SseEvent {
  id: string;
  event: string;
  data: Record<string, unknown>;
}

export class ChatClient {
  constructor(
    readonly api: Api,
    readonly user: User,
  ) {}

  call<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>> {
    return this.api.call<T>(method, `/api/chat${path}`, {
      token: this.user.token,
      ...(body !== undefined ? { body } : {}),
    });
  }

  async conversation(title?: string): Promise<string> {
    const res = await this.call<{ id: string }>('POST', '/conversations', title ? { title } : {});
    if (res.status !== 201) throw new Error(`create conversation: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id;
  }

  async send(conversationId: string, content: string) {
    const res = await this.call<{ userMessageId: string; assistantMessageId: string }>(
      'POST',
      `/conversations/${conversationId}/messages`,
      { content },
    );
    if (res.status !== 202) throw new Error(`send: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  branch(conversationId: string) {
    return this.call<{ conversation: Record<string, unknown>; messages: Array<Record<string, unknown>> }>(
      'GET',
      `/conversations/${conversationId}`,
    );
  }

  /** Posts with `Accept: text/event-stream` and reads every event until the stream ends. */
  async sse(
    path: string,
    body: unknown,
  ): Promise<{ status: number; contentType: string; events: SseEvent[] }> {
    const res = await fetch(`${this.api.baseUrl}/api/chat${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${this.user.token}`,
        'content-type': 'application/json',
        accept: 'text/event-stream',
      },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', events: parseSse(text) };
  }
}

export function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  for (const block of text.split('\n\n')) {
    const fields: Record<string, string> = {};
    for (const line of block.split('\n')) {
      if (!line || line.startsWith(':')) continue;
      const i = line.indexOf(':');
      fields[line.slice(0, i)] = line.slice(i + 1).trimStart();
    }
    if (fields.event && fields.data)
      events.push({
        id: fields.id ?? '',
        event: fields.event,
        data: JSON.parse(fields.data) as Record<string, unknown>,
      });
  }
  return events;
}

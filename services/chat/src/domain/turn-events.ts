// The events of one turn, in order, to two audiences: the user's live connections (user events
// through the cache: the gateway relays them with `seq` cursors and replays missed ones on
// `resume`) and local listeners (the SSE response of the request that started the turn). Text
// deltas are batched for a few milliseconds so a fast model does not flood the user's event
// log; every event carries the conversation and message ids, deltas also their index within
// the message, so a client can check it has every piece exactly once.

export const CHAT_EVENTS = {
  messageCreated: 'chat.message.created',
  delta: 'chat.message.delta',
  toolCall: 'chat.tool.call',
  toolResult: 'chat.tool.result',
  messageDone: 'chat.message.done',
  error: 'chat.message.error',
  turnDone: 'chat.turn.done',
} as const;
export type ChatEventType = (typeof CHAT_EVENTS)[keyof typeof CHAT_EVENTS];

export type ChatEventData = Record<string, unknown> & { conversationId: string; messageId: string };
export type Publish = (type: ChatEventType, data: ChatEventData) => Promise<void>;
export type Listener = (type: ChatEventType, data: ChatEventData) => void;

export class TurnEvents {
  private chain: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<Listener>();
  private pending: { messageId: string; text: string } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly deltaIndex = new Map<string, number>();

  constructor(
    private readonly conversationId: string,
    private readonly publish: Publish,
    private readonly flushMs: number,
    private readonly onPublishError: (err: unknown) => void,
  ) {}

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(type: ChatEventType, data: Record<string, unknown> & { messageId: string }): void {
    this.flush();
    this.send(type, { ...data, conversationId: this.conversationId });
  }

  delta(messageId: string, text: string): void {
    if (!text) return;
    if (this.pending && this.pending.messageId !== messageId) this.flush();
    if (this.pending) this.pending.text += text;
    else this.pending = { messageId, text };
    if (this.flushMs === 0) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.flushMs);
  }

  /** Sends the batched text now. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    const index = this.deltaIndex.get(p.messageId) ?? 0;
    this.deltaIndex.set(p.messageId, index + 1);
    this.send(CHAT_EVENTS.delta, {
      conversationId: this.conversationId,
      messageId: p.messageId,
      index,
      text: p.text,
    });
  }

  /** Resolves once everything emitted so far has been published. */
  async drain(): Promise<void> {
    this.flush();
    await this.chain;
  }

  private send(type: ChatEventType, data: ChatEventData): void {
    for (const l of this.listeners) l(type, data);
    // Published one after another: the user's event log keeps the emission order.
    this.chain = this.chain.then(() => this.publish(type, data)).catch(this.onPublishError);
  }
}

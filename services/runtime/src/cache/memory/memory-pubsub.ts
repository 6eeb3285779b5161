// In-process fan-out. Delivery is asynchronous (like a network hop), so publish() never runs
// subscriber code on the publisher's stack; a failing handler is reported and affects no one else.

export type Delivery = (message: string, channel: string) => void;

export class MemoryPubSub {
  private readonly channels = new Map<string, Set<Delivery>>();

  publish(channel: string, message: string): void {
    const subscribers = this.channels.get(channel);
    if (subscribers === undefined) return;
    for (const deliver of [...subscribers]) setImmediate(() => deliver(message, channel));
  }

  /** Returns the function that removes this subscription. */
  subscribe(channel: string, deliver: Delivery): () => void {
    let subscribers = this.channels.get(channel);
    if (subscribers === undefined) {
      subscribers = new Set();
      this.channels.set(channel, subscribers);
    }
    subscribers.add(deliver);
    return () => {
      subscribers.delete(deliver);
      if (subscribers.size === 0 && this.channels.get(channel) === subscribers) this.channels.delete(channel);
    };
  }
}

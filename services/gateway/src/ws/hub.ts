// The registry of open WebSocket connections per user. Later issues deliver events through
// `sendToUser` (and plug Redis pub/sub fan-out in front of it, so every replica delivers to the
// connections it holds).

export interface HubConnection {
  readonly id: string;
  readonly userId: string;
  /** Sends a server message; false when the connection cannot take it (closed, or too far behind). */
  send(type: string, data: unknown): boolean;
  close(code: number, reason: string): void;
}

export class ConnectionRegistry {
  private readonly byUser = new Map<string, Set<HubConnection>>();
  private count = 0;

  add(connection: HubConnection): void {
    let set = this.byUser.get(connection.userId);
    if (!set) {
      set = new Set();
      this.byUser.set(connection.userId, set);
    }
    if (!set.has(connection)) {
      set.add(connection);
      this.count++;
    }
  }

  remove(connection: HubConnection): void {
    const set = this.byUser.get(connection.userId);
    if (!set?.delete(connection)) return;
    this.count--;
    if (set.size === 0) this.byUser.delete(connection.userId);
  }

  connectionsOf(userId: string): readonly HubConnection[] {
    return [...(this.byUser.get(userId) ?? [])];
  }

  /** Sends to every connection of the user; returns how many took the message. */
  sendToUser(userId: string, type: string, data: unknown): number {
    let delivered = 0;
    for (const connection of this.connectionsOf(userId)) {
      if (connection.send(type, data)) delivered++;
    }
    return delivered;
  }

  get size(): number {
    return this.count;
  }
}

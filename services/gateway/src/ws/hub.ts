// The registry of open WebSocket connections per user. The user-events relay (live/) hands every
// event to `deliver`, which passes it to that user's connections on this replica and nobody else's.
import type { UserEvent } from '@elwosa/runtime';

export interface HubConnection {
  readonly id: string;
  readonly userId: string;
  /** Passes a user event on; false when the connection cannot take it (closed, or too far behind). */
  deliver(event: UserEvent): boolean;
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

  /** Passes the event to every connection of its user; returns how many took it. */
  deliver(event: UserEvent): number {
    const set = this.byUser.get(event.userId);
    if (!set) return 0;
    let delivered = 0;
    for (const connection of [...set]) {
      if (connection.deliver(event)) delivered++;
    }
    return delivered;
  }

  get size(): number {
    return this.count;
  }
}

// One in-process stream with Redis Streams semantics: ids, trimming, consumer groups with a
// pending list (delivered, not yet acknowledged), idle-based claiming and blocking reads.
import type { StreamEntry, StreamFields } from '../cache-bus.js';
import {
  compareStreamIds,
  formatStreamId,
  nextStreamId,
  parseStreamId,
  type StreamId,
} from '../stream-ids.js';

interface StoredEntry {
  id: StreamId;
  key: string;
  fields: StreamFields;
}

interface Pending {
  consumer: string;
  deliveredAt: number;
}

interface Group {
  lastDelivered: StreamId;
  /** By entry id; kept in id order because ids are only ever added in increasing order or re-set. */
  pending: Map<string, Pending>;
}

export class MemoryStream {
  private entries: StoredEntry[] = [];
  private last: StreamId = { ms: 0, seq: 0 };
  private readonly groups = new Map<string, Group>();
  private readonly waiters = new Set<() => void>();

  append(fields: StreamFields, maxLen: number, now: number): string {
    this.last = nextStreamId(this.last, now);
    const key = formatStreamId(this.last);
    this.entries.push({ id: this.last, key, fields: { ...fields } });
    if (this.entries.length > maxLen) this.entries.splice(0, this.entries.length - maxLen);
    for (const wake of this.waiters) wake();
    this.waiters.clear();
    return key;
  }

  lastEntryId(): string | null {
    return this.entries.at(-1)?.key ?? null;
  }

  range(after: StreamId, count: number): StreamEntry[] {
    const start = this.firstIndexAfter(after);
    return this.entries.slice(start, start + count).map(toEntry);
  }

  ensureGroup(name: string, startFrom: 'new' | 'beginning'): void {
    if (this.groups.has(name)) return;
    this.groups.set(name, {
      lastDelivered: startFrom === 'new' ? this.last : { ms: 0, seq: 0 },
      pending: new Map(),
    });
  }

  /** Like XREADGROUP … `>`: entries after the group's last delivered id, now pending for `consumer`. */
  readGroup(groupName: string, consumer: string, count: number, now: number): StreamEntry[] {
    const group = this.group(groupName);
    const start = this.firstIndexAfter(group.lastDelivered);
    const batch = this.entries.slice(start, start + count);
    for (const entry of batch) group.pending.set(entry.key, { consumer, deliveredAt: now });
    const lastEntry = batch[batch.length - 1];
    if (lastEntry) group.lastDelivered = lastEntry.id;
    return batch.map(toEntry);
  }

  /** Like XAUTOCLAIM: pending entries idle for at least `minIdleMs` move to `consumer`; trimmed ones are dropped. */
  claimIdle(
    groupName: string,
    consumer: string,
    minIdleMs: number,
    count: number,
    now: number,
  ): StreamEntry[] {
    const group = this.group(groupName);
    const claimed: StreamEntry[] = [];
    for (const [key, pending] of group.pending) {
      if (claimed.length >= count) break;
      if (now - pending.deliveredAt < minIdleMs) continue;
      const entry = this.find(key);
      if (entry === undefined) {
        group.pending.delete(key);
        continue;
      }
      pending.consumer = consumer;
      pending.deliveredAt = now;
      claimed.push(toEntry(entry));
    }
    return claimed;
  }

  ack(groupName: string, id: string): void {
    this.groups.get(groupName)?.pending.delete(id);
  }

  /** Resolves on the next append, after `timeoutMs`, or when the returned cancel function is called. */
  waitForAppend(timeoutMs: number): { done: Promise<void>; cancel: () => void } {
    let cancel = () => {};
    const done = new Promise<void>((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.waiters.delete(finish);
        resolve();
      };
      const timer = setTimeout(finish, timeoutMs);
      this.waiters.add(finish);
      cancel = finish;
    });
    return { done, cancel };
  }

  private group(name: string): Group {
    const group = this.groups.get(name);
    if (group === undefined) throw new Error(`NOGROUP no such consumer group ${name}`);
    return group;
  }

  private find(key: string): StoredEntry | undefined {
    const entry = this.entries[this.firstIndex(parseStreamId(key), false)];
    return entry?.key === key ? entry : undefined;
  }

  private firstIndexAfter(after: StreamId): number {
    return this.firstIndex(after, true);
  }

  /** Binary search: index of the first entry with id > `bound` (strict) or >= `bound`. */
  private firstIndex(bound: StreamId, strict: boolean): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const cmp = compareStreamIds(this.entries[mid]!.id, bound);
      if (cmp < 0 || (strict && cmp === 0)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function toEntry(entry: StoredEntry): StreamEntry {
  return { id: entry.key, fields: { ...entry.fields } };
}

// What the dashboard keeps in the browser for working offline, per user: the last known tasks
// (for the read-only offline view) and a queue of task edits made offline, replayed in order on
// reconnect. Each edit has its Idempotency-Key from the moment it is made, so a replay that
// was cut off half way is never applied twice.
import type { Task, TaskCreateInput, TaskInput } from '../api/types';

export type QueuedEdit =
  | { key: string; kind: 'create'; body: TaskCreateInput; title: string }
  | { key: string; kind: 'update'; taskId: string; version: number; body: Partial<TaskInput>; title: string };

const snapshotKey = (userId: string) => `elwosa.tasks.${userId}`;
const cursorKey = (userId: string) => `elwosa.tasks-cursor.${userId}`;
const queueKey = (userId: string) => `elwosa.queue.${userId}`;
const listeners = new Set<() => void>();

function read<T>(key: string, fallback: T): T {
  try {
    return (JSON.parse(localStorage.getItem(key) ?? 'null') as T | null) ?? fallback;
  } catch {
    return fallback;
  }
}

export const offlineStore = {
  snapshot: (userId: string): Task[] => read<Task[]>(snapshotKey(userId), []),
  saveSnapshot(userId: string, tasks: Task[]): void {
    localStorage.setItem(snapshotKey(userId), JSON.stringify(tasks));
  },
  /** Applies changes (live events, the changes feed) to the snapshot. */
  applyChanges(userId: string, upserts: readonly Task[], deletedIds: readonly string[]): void {
    const byId = new Map(offlineStore.snapshot(userId).map((t) => [t.id, t]));
    for (const t of upserts) if ((byId.get(t.id)?.version ?? -1) <= t.version) byId.set(t.id, t);
    for (const id of deletedIds) byId.delete(id);
    offlineStore.saveSnapshot(userId, [...byId.values()]);
  },
  changesCursor: (userId: string): string | undefined => localStorage.getItem(cursorKey(userId)) ?? undefined,
  saveChangesCursor(userId: string, cursor: string): void {
    localStorage.setItem(cursorKey(userId), cursor);
  },
  queue: (userId: string): QueuedEdit[] => read<QueuedEdit[]>(queueKey(userId), []),
  enqueue(userId: string, edit: QueuedEdit): void {
    localStorage.setItem(queueKey(userId), JSON.stringify([...offlineStore.queue(userId), edit]));
    for (const l of listeners) l();
  },
  dequeue(userId: string, key: string): void {
    const rest = offlineStore.queue(userId).filter((e) => e.key !== key);
    localStorage.setItem(queueKey(userId), JSON.stringify(rest));
    for (const l of listeners) l();
  },
  /** Removes the user's offline copy (signing out on a shared device); queued edits stay. */
  forget(userId: string): void {
    localStorage.removeItem(snapshotKey(userId));
    localStorage.removeItem(cursorKey(userId));
  },
  onChange(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

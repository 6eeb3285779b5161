// Keeps the browser's copy of the user's tasks up to date from the changes feed
// (`GET /api/tasks/changes?since=`): the first time everything, afterwards only what changed
// since the stored cursor. Runs at start, after a `resync` from /ws (the socket was away longer
// than the live retention) and when the network comes back.
import type { Api } from '../api/client';
import type { Task } from '../api/types';
import { offlineStore } from './offline-store';

export interface SyncedChanges {
  upserts: Task[];
  deletedIds: string[];
}

let running: Promise<SyncedChanges> | undefined;

export function syncTaskChanges(api: Api, userId: string): Promise<SyncedChanges> {
  running ??= pull(api, userId).finally(() => {
    running = undefined;
  });
  return running;
}

async function pull(api: Api, userId: string): Promise<SyncedChanges> {
  const all: SyncedChanges = { upserts: [], deletedIds: [] };
  let since = offlineStore.changesCursor(userId);
  for (;;) {
    const page = await api.tasks.changes(since);
    const deletedIds = page.deletions.map((d) => d.id);
    offlineStore.applyChanges(userId, page.upserts, deletedIds);
    offlineStore.saveChangesCursor(userId, page.nextCursor);
    all.upserts.push(...page.upserts);
    all.deletedIds.push(...deletedIds);
    since = page.nextCursor;
    if (!page.hasMore) return all;
  }
}

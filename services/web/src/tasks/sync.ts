// Keeps the browser's copy of the user's tasks up to date from the changes feed
// (`GET /api/tasks/changes?since=`): the first time everything, afterwards only what changed
// since the stored cursor. Runs at start, after a `resync` from /ws (the socket was away longer
// than the live retention) and when the network comes back. A stored cursor older than the
// deletions the server keeps (410) starts the copy over from nothing.
import type { Api } from '../api/client';
import { ApiError } from '../api/http';
import type { Task } from '../api/types';
import { offlineStore } from './offline-store';

export interface SyncedChanges {
  upserts: Task[];
  deletedIds: string[];
  /** The copy was rebuilt from nothing: deletions may be missing, so reload what is shown. */
  reset: boolean;
}

let running: Promise<SyncedChanges> | undefined;

export function syncTaskChanges(api: Api, userId: string): Promise<SyncedChanges> {
  running ??= pull(api, userId).finally(() => {
    running = undefined;
  });
  return running;
}

async function pull(api: Api, userId: string): Promise<SyncedChanges> {
  try {
    return await pullFrom(api, userId, offlineStore.changesCursor(userId), false);
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 410)) throw error;
    offlineStore.forget(userId);
    return pullFrom(api, userId, undefined, true);
  }
}

async function pullFrom(
  api: Api,
  userId: string,
  cursor: string | undefined,
  reset: boolean,
): Promise<SyncedChanges> {
  const all: SyncedChanges = { upserts: [], deletedIds: [], reset };
  let since = cursor;
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

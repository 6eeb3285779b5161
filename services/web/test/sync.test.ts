// The changes-feed sync of the browser's offline copy: pages from the stored cursor and moves
// it on; a cursor the server no longer honours (410, deletions purged) starts the copy over
// from nothing and says so, so the view reloads.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Api } from '../src/api/client.ts';
import { ApiError } from '../src/api/http.ts';
import type { Task, TaskChanges } from '../src/api/types.ts';
import { offlineStore } from '../src/tasks/offline-store.ts';
import { syncTaskChanges } from '../src/tasks/sync.ts';
import { MemoryStorage } from './support/memory-storage.ts';

const USER = 'u1';
const task = (id: string): Task => ({ id, version: 1, title: id }) as unknown as Task;
const page = (upserts: Task[], deletedIds: string[], nextCursor: string, hasMore = false): TaskChanges =>
  ({
    upserts,
    deletions: deletedIds.map((id) => ({ id, deletedAt: '2026-11-21T10:00:00.000Z' })),
    nextCursor,
    hasMore,
  }) as TaskChanges;

/** An Api whose changes feed answers from `feed(since)`, recording each `since` it was asked. */
function apiWith(feed: (since: string | undefined) => TaskChanges) {
  const asked: Array<string | undefined> = [];
  const api = {
    tasks: {
      changes: async (since?: string) => {
        asked.push(since);
        return feed(since);
      },
    },
  } as unknown as Api;
  return { api, asked };
}

describe('syncTaskChanges', () => {
  beforeEach(() => {
    vi.stubGlobal('localStorage', new MemoryStorage());
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('pages from the stored cursor, applies the changes and stores the new cursor', async () => {
    offlineStore.saveSnapshot(USER, [task('a'), task('b')]);
    offlineStore.saveChangesCursor(USER, 'c1');
    const { api, asked } = apiWith((since) =>
      since === 'c1' ? page([task('c')], ['a'], 'c2', true) : page([], ['b'], 'c3'),
    );
    const synced = await syncTaskChanges(api, USER);
    expect(asked).toEqual(['c1', 'c2']);
    expect(synced).toMatchObject({ deletedIds: ['a', 'b'], reset: false });
    expect(offlineStore.snapshot(USER).map((t) => t.id)).toEqual(['c']);
    expect(offlineStore.changesCursor(USER)).toBe('c3');
  });

  it('starts over from nothing when the server answers 410 for the stored cursor', async () => {
    offlineStore.saveSnapshot(USER, [task('purged-long-ago'), task('kept')]);
    offlineStore.saveChangesCursor(USER, 'ancient');
    const { api, asked } = apiWith((since) => {
      if (since === 'ancient') throw new ApiError(410, { status: 410, detail: 'deletions purged' });
      return page([task('kept'), task('new')], [], 'now');
    });
    const synced = await syncTaskChanges(api, USER);
    expect(asked).toEqual(['ancient', undefined]);
    expect(synced.reset).toBe(true);
    expect(offlineStore.snapshot(USER).map((t) => t.id)).toEqual(['kept', 'new']);
    expect(offlineStore.changesCursor(USER)).toBe('now');
  });

  it('passes other errors on and keeps the copy', async () => {
    offlineStore.saveSnapshot(USER, [task('a')]);
    offlineStore.saveChangesCursor(USER, 'c1');
    const { api } = apiWith(() => {
      throw new ApiError(503, { status: 503 });
    });
    await expect(syncTaskChanges(api, USER)).rejects.toMatchObject({ status: 503 });
    expect(offlineStore.snapshot(USER).map((t) => t.id)).toEqual(['a']);
    expect(offlineStore.changesCursor(USER)).toBe('c1');
  });
});

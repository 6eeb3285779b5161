// The task list a page shows: the server's filtered list (paged), kept current by live events
// from /ws, refreshed from the changes feed after a `resync`, and — when the platform cannot be
// reached — the last known tasks from the browser, read-only.
import { useCallback, useEffect, useState } from 'react';
import { NetworkError } from '../api/http';
import type { Task } from '../api/types';
import { useApi, useLiveEvents, useUser } from '../app/context';
import { useStableValue } from '../ui/hooks';
import { offlineStore } from './offline-store';
import { syncTaskChanges } from './sync';
import { byCreatedDesc, matches, type TaskFilters, toQuery } from './task-filter';

export interface TaskListState {
  items: Task[];
  nextCursor: string | null;
  offline: boolean;
  loading: boolean;
  error: unknown;
}

function merge(
  items: Task[],
  upserts: readonly Task[],
  deletedIds: readonly string[],
  f: TaskFilters,
): Task[] {
  const byId = new Map(items.map((t) => [t.id, t]));
  for (const t of upserts) {
    const old = byId.get(t.id);
    if (old && old.version > t.version) continue;
    if (matches(t, f)) byId.set(t.id, t);
    else byId.delete(t.id);
  }
  for (const id of deletedIds) byId.delete(id);
  return [...byId.values()].sort(byCreatedDesc);
}

export function useTasks(unstableFilters: TaskFilters) {
  const filters = useStableValue(unstableFilters);
  const api = useApi();
  const user = useUser();
  const [state, setState] = useState<TaskListState>({
    items: [],
    nextCursor: null,
    offline: false,
    loading: true,
    error: undefined,
  });

  const load = useCallback(async () => {
    setState((s) => ({ ...s, loading: true }));
    try {
      const page = await api.tasks.list(toQuery(filters));
      setState({
        items: page.items,
        nextCursor: page.nextCursor,
        offline: false,
        loading: false,
        error: undefined,
      });
      void syncTaskChanges(api, user.id).catch(() => undefined);
    } catch (error) {
      if (error instanceof NetworkError) {
        const items = offlineStore
          .snapshot(user.id)
          .filter((t) => matches(t, filters))
          .sort(byCreatedDesc);
        setState({ items, nextCursor: null, offline: true, loading: false, error: undefined });
      } else setState((s) => ({ ...s, loading: false, error }));
    }
  }, [api, user.id, filters]);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => {
    const online = () => void load();
    window.addEventListener('online', online);
    return () => window.removeEventListener('online', online);
  }, [load]);

  const apply = useCallback(
    (upserts: readonly Task[], deletedIds: readonly string[]) => {
      offlineStore.applyChanges(user.id, upserts, deletedIds);
      setState((s) => ({ ...s, items: merge(s.items, upserts, deletedIds, filters) }));
    },
    [user.id, filters],
  );

  useLiveEvents(['task.'], (event) => {
    if (event.type === 'resync') {
      void syncTaskChanges(api, user.id)
        .then((c) => (c.reset ? load() : apply(c.upserts, c.deletedIds)))
        .catch(() => void load());
    } else if (event.type === 'task.deleted') apply([], [(event.data as { id: string }).id]);
    else if (event.type === 'task.created' || event.type === 'task.updated') apply([event.data as Task], []);
  });

  const loadMore = useCallback(async () => {
    if (!state.nextCursor) return;
    const page = await api.tasks.list({ ...toQuery(filters), cursor: state.nextCursor });
    setState((s) => ({ ...s, items: merge(s.items, page.items, [], filters), nextCursor: page.nextCursor }));
  }, [api, state.nextCursor, filters]);

  return { ...state, reload: load, loadMore, apply };
}

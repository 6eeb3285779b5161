// Quick edits from the list and the board (status changes). Online they go straight to the
// API with the task's version; offline they are queued with an Idempotency-Key and shown at once.
import { useCallback } from 'react';
import { ApiError, NetworkError } from '../api/http';
import type { Task, TaskStatus } from '../api/types';
import { useApi, useUser } from '../app/context';
import { offlineStore } from './offline-store';

export function useTaskActions(apply: (upserts: Task[], deletedIds: string[]) => void) {
  const api = useApi();
  const user = useUser();
  const setStatus = useCallback(
    async (task: Task, status: TaskStatus): Promise<string | undefined> => {
      try {
        apply([await api.tasks.update(task.id, { status }, task.version)], []);
        return undefined;
      } catch (err) {
        if (err instanceof NetworkError) {
          offlineStore.enqueue(user.id, {
            key: crypto.randomUUID(),
            kind: 'update',
            taskId: task.id,
            version: task.version,
            body: { status },
            title: task.title,
          });
          return 'Offline: the change is queued and will be sent when you are back online.';
        }
        if (err instanceof ApiError && err.status === 412) {
          apply([await api.tasks.get(task.id)], []);
          return `“${task.title}” was changed elsewhere; the latest version is shown. Try again.`;
        }
        return err instanceof Error ? err.message : String(err);
      }
    },
    [api, user.id, apply],
  );
  return { setStatus };
}

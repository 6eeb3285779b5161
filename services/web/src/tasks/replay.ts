// Replays the offline queue against the API, oldest first. A conflict (412: the task changed
// meanwhile) or another refusal drops that edit and reports it; a network failure stops the
// replay with everything left queued for the next attempt.
import type { Api } from '../api/client';
import { ApiError, NetworkError } from '../api/http';
import { offlineStore } from './offline-store';

export interface ReplayResult {
  applied: number;
  rejected: { title: string; reason: string }[];
  pending: number;
}

let running: Promise<ReplayResult> | undefined;

export function replayQueue(api: Api, userId: string): Promise<ReplayResult> {
  running ??= run(api, userId).finally(() => {
    running = undefined;
  });
  return running;
}

async function run(api: Api, userId: string): Promise<ReplayResult> {
  const result: ReplayResult = { applied: 0, rejected: [], pending: 0 };
  for (const edit of offlineStore.queue(userId)) {
    try {
      if (edit.kind === 'create') await api.tasks.create(edit.body, edit.key);
      else await api.tasks.update(edit.taskId, edit.body, edit.version, edit.key);
      result.applied++;
    } catch (err) {
      if (err instanceof NetworkError) break;
      const reason =
        err instanceof ApiError && err.status === 412
          ? 'the task was changed elsewhere while you were offline'
          : err instanceof Error
            ? err.message
            : String(err);
      result.rejected.push({ title: edit.title, reason });
    }
    offlineStore.dequeue(userId, edit.key);
  }
  result.pending = offlineStore.queue(userId).length;
  return result;
}

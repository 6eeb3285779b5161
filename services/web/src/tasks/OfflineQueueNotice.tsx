// Shows the edits waiting to be sent and replays them when the browser is back online.
import { useEffect, useState } from 'react';
import { useApi, useUser } from '../app/context';
import { offlineStore } from './offline-store';
import { type ReplayResult, replayQueue } from './replay';

export function OfflineQueueNotice({ onReplayed }: { onReplayed: () => void }) {
  const api = useApi();
  const user = useUser();
  const [pending, setPending] = useState(() => offlineStore.queue(user.id));
  const [result, setResult] = useState<ReplayResult | undefined>();

  useEffect(() => offlineStore.onChange(() => setPending(offlineStore.queue(user.id))), [user.id]);
  useEffect(() => {
    const replay = async () => {
      if (!navigator.onLine || offlineStore.queue(user.id).length === 0) return;
      const r = await replayQueue(api, user.id);
      setResult(r);
      onReplayed();
    };
    void replay();
    window.addEventListener('online', replay);
    return () => window.removeEventListener('online', replay);
  }, [api, user.id, onReplayed]);

  if (pending.length === 0 && !result?.rejected.length) return null;
  return (
    <div className="notice" role="status">
      {pending.length > 0 && (
        <p>
          {pending.length} change{pending.length === 1 ? '' : 's'} waiting to be sent:{' '}
          {pending.map((e) => `${e.kind === 'create' ? 'new' : 'edit'} “${e.title}”`).join(', ')}
        </p>
      )}
      {result?.rejected.map((r) => (
        <p key={r.title + r.reason} className="error">
          Not applied: “{r.title}” — {r.reason}
        </p>
      ))}
    </div>
  );
}

import { useState } from 'react';
import type { AuditEvent } from '../../api/types';
import { useApi } from '../../app/context';
import { ErrorNote } from '../../ui/forms';
import { formatDate, useAction, useResource } from '../../ui/hooks';

export function AuditPanel() {
  const api = useApi();
  const first = useResource(() => api.auth.audit(), [api]);
  const [more, setMore] = useState<{ items: AuditEvent[]; nextCursor: string | null } | undefined>();
  const cursor = more ? more.nextCursor : first.data?.nextCursor;
  const loadMore = useAction(async () => {
    const page = await api.auth.audit(cursor ?? undefined);
    setMore({ items: [...(more?.items ?? []), ...page.items], nextCursor: page.nextCursor });
  });
  const events = [...(first.data?.items ?? []), ...(more?.items ?? [])];
  return (
    <section aria-labelledby="audit-h">
      <h2 id="audit-h">Audit log</h2>
      <ErrorNote error={first.error ?? loadMore.error} />
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Event</th>
              <th scope="col">Outcome</th>
              <th scope="col">User</th>
              <th scope="col">IP</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr key={e.id}>
                <td>{formatDate(e.at)}</td>
                <td>{e.event}</td>
                <td>{e.outcome}</td>
                <td>
                  <code>{e.userId?.slice(0, 8) ?? '—'}</code>
                </td>
                <td>{e.ip}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {cursor && (
        <button type="button" onClick={() => void loadMore.run()} disabled={loadMore.busy}>
          Older events
        </button>
      )}
    </section>
  );
}

// The notification list (newest first, live) and the per-type channel preferences.

import type { Notification } from '../../api/types';
import { useApi, useLiveEvents } from '../../app/context';
import { Link } from '../../app/router';
import { Checkbox, ErrorNote } from '../../ui/forms';
import { formatDate, useAction, useResource } from '../../ui/hooks';
import { UNREAD_CHANGED } from './NotificationBell';

const changed = () => window.dispatchEvent(new Event(UNREAD_CHANGED));

export function NotificationsPage() {
  const api = useApi();
  const list = useResource(() => api.notifications.list(), [api]);
  useLiveEvents(['notification.'], (event) => {
    if (event.type === 'notification.created')
      list.set((page) => ({
        items: [event.data as Notification, ...(page?.items ?? [])],
        nextCursor: page?.nextCursor ?? null,
      }));
    else void list.reload();
  });
  const markRead = useAction(async (id: string) => {
    const updated = await api.notifications.markRead(id);
    list.set((page) => ({
      items: (page?.items ?? []).map((n) => (n.id === id ? updated : n)),
      nextCursor: page?.nextCursor ?? null,
    }));
    changed();
  });
  const markAll = useAction(async () => {
    await api.notifications.markAllRead();
    await list.reload();
    changed();
  });
  return (
    <>
      <div className="page-head">
        <h1>Notifications</h1>
        <button type="button" onClick={() => void markAll.run()} disabled={markAll.busy}>
          Mark all read
        </button>
      </div>
      <ErrorNote error={list.error ?? markRead.error ?? markAll.error} />
      <ul className="plain-list notifications" aria-label="Notifications">
        {list.data?.items.map((n) => (
          <li key={n.id} className={n.readAt ? 'row' : 'row unread'}>
            <span>
              <strong>{n.title}</strong>
              {!n.readAt && <span className="badge">new</span>}
              <br />
              {n.body}
              <br />
              <small>
                {n.type} · {formatDate(n.createdAt)}
              </small>
              {typeof n.data.taskId === 'string' && (
                <>
                  {' '}
                  <Link href={`/tasks/${n.data.taskId}`}>Open the task</Link>
                </>
              )}
            </span>
            {!n.readAt && (
              <button
                type="button"
                onClick={() => void markRead.run(n.id)}
                aria-label={`Mark read: ${n.title}`}
              >
                Mark read
              </button>
            )}
          </li>
        ))}
      </ul>
      {list.data?.items.length === 0 && <p className="empty">Nothing yet.</p>}
      <Preferences />
    </>
  );
}

function Preferences() {
  const api = useApi();
  const prefs = useResource(() => api.notifications.preferences(), [api]);
  const update = useAction(async (type: string, channel: string, on: boolean) => {
    prefs.set(await api.notifications.updatePreferences({ [type]: { [channel]: on } }));
  });
  const channels = [...new Set(Object.values(prefs.data ?? {}).flatMap((c) => Object.keys(c)))].sort();
  return (
    <section className="card" aria-labelledby="prefs-h">
      <h2 id="prefs-h">Preferences</h2>
      <ErrorNote error={prefs.error ?? update.error} />
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Type</th>
            {channels.map((c) => (
              <th scope="col" key={c}>
                {c === 'in_app' ? 'In the app' : c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {Object.entries(prefs.data ?? {}).map(([type, byChannel]) => (
            <tr key={type}>
              <th scope="row">{type}</th>
              {channels.map((c) => (
                <td key={c}>
                  <Checkbox
                    label={<span className="visually-hidden">{`${type} by ${c}`}</span>}
                    checked={byChannel[c] ?? false}
                    onChange={(e) => void update.run(type, c, e.target.checked)}
                  />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

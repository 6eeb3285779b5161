// The bell in the header: the unread count, updated live by `notification.created` events and
// re-read after a resync or when the notifications page marks some read.
import { useEffect } from 'react';
import { useApi, useLiveEvents } from '../../app/context';
import { Link } from '../../app/router';
import { useResource } from '../../ui/hooks';

export const UNREAD_CHANGED = 'elwosa:unread-changed';

export function NotificationBell() {
  const api = useApi();
  const count = useResource(() => api.notifications.unreadCount(), [api]);
  useLiveEvents(['notification.'], (event) => {
    if (event.type === 'notification.created') count.set((c) => ({ count: (c?.count ?? 0) + 1 }));
    else void count.reload();
  });
  useEffect(() => {
    const reload = () => void count.reload();
    window.addEventListener(UNREAD_CHANGED, reload);
    return () => window.removeEventListener(UNREAD_CHANGED, reload);
  }, [count.reload]);
  const n = count.data?.count ?? 0;
  return (
    <Link href="/notifications" className="bell" aria-label={`Notifications, ${n} unread`}>
      <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
        <path
          fill="currentColor"
          d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z"
        />
      </svg>
      {n > 0 && (
        <span className="bell-count" data-testid="unread-count">
          {n > 99 ? '99+' : n}
        </span>
      )}
    </Link>
  );
}

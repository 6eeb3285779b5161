// The frame of every signed-in page: skip link, navigation (a menu button on phones), the
// notification bell, the connection state and the page itself.
import { type ReactNode, useEffect, useState } from 'react';
import { NotificationBell } from '../pages/notifications/NotificationBell';
import { isAdmin, useLiveStatus, useSession, useUser } from './context';
import { Link, useLocation } from './router';

const NAV = [
  { href: '/tasks', label: 'Tasks' },
  { href: '/chat', label: 'Chat' },
  { href: '/memory', label: 'Memory' },
  { href: '/notifications', label: 'Notifications' },
  { href: '/account', label: 'Account' },
];

function useOnline(): boolean {
  const [online, setOnline] = useState(navigator.onLine);
  useEffect(() => {
    const on = () => setOnline(true);
    const off = () => setOnline(false);
    window.addEventListener('online', on);
    window.addEventListener('offline', off);
    return () => {
      window.removeEventListener('online', on);
      window.removeEventListener('offline', off);
    };
  }, []);
  return online;
}

export function AppShell({ children }: { children: ReactNode }) {
  const user = useUser();
  const { signOut } = useSession();
  const { path } = useLocation();
  const live = useLiveStatus();
  const online = useOnline();
  const [menuOpen, setMenuOpen] = useState(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: close the menu on navigation
  useEffect(() => setMenuOpen(false), [path]);
  const items = isAdmin(user) ? [...NAV, { href: '/admin/users', label: 'Admin' }] : NAV;
  const current = (href: string) =>
    path === href || path.startsWith(`${href.split('/').slice(0, 2).join('/')}/`);
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link href="/tasks" className="brand">
          <img src="/icons/icon.svg" alt="" width="28" height="28" />
          ELWOSA
        </Link>
        <button
          type="button"
          className="menu-button"
          aria-expanded={menuOpen}
          aria-controls="main-nav"
          onClick={() => setMenuOpen(!menuOpen)}
        >
          Menu
        </button>
        <nav id="main-nav" aria-label="Main" className={menuOpen ? 'open' : ''}>
          <ul>
            {items.map((i) => (
              <li key={i.href}>
                <Link href={i.href} aria-current={current(i.href) ? 'page' : undefined}>
                  {i.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="topbar-end">
          <span
            className={`live-dot ${online ? live : 'offline'}`}
            title={online ? `live: ${live}` : 'offline'}
          >
            <span className="visually-hidden">{online ? `Live updates ${live}` : 'Offline'}</span>
          </span>
          <NotificationBell />
          <button type="button" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      {!online && (
        <p className="offline-banner" role="status">
          You are offline. Tasks are shown as last seen; changes are sent when you are back.
        </p>
      )}
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

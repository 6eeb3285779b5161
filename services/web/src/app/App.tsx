import { type ReactNode, useEffect } from 'react';
// Which page a path shows, for signed-out and signed-in people (admin pages for admins only).

import { AccountPage } from '../pages/account/AccountPage';
import { AdminPage } from '../pages/admin/AdminPage';
import { SignInPage } from '../pages/auth/SignInPage';
import { SignUpPage } from '../pages/auth/SignUpPage';
import { ChatPage } from '../pages/chat/ChatPage';
import { MemoryPage } from '../pages/memory/MemoryPage';
import { NotificationsPage } from '../pages/notifications/NotificationsPage';
import { NewTaskPage } from '../tasks/NewTaskPage';
import { TaskEditPage } from '../tasks/TaskEditPage';
import { TasksPage } from '../tasks/TasksPage';
import { AppShell } from './AppShell';
import { isAdmin, useSession } from './context';
import { matchPath, navigate, useLocation } from './router';

type Params = Record<string, string>;
const ROUTES: { pattern: string; render: (p: Params, admin: boolean) => ReactNode }[] = [
  { pattern: '/tasks', render: () => <TasksPage /> },
  { pattern: '/tasks/new', render: () => <NewTaskPage /> },
  { pattern: '/tasks/:id', render: (p) => <TaskEditPage id={p.id!} /> },
  { pattern: '/chat', render: () => <ChatPage /> },
  { pattern: '/chat/:id', render: (p) => <ChatPage id={p.id!} /> },
  { pattern: '/memory', render: () => <MemoryPage /> },
  { pattern: '/notifications', render: () => <NotificationsPage /> },
  { pattern: '/account', render: () => <AccountPage /> },
  {
    pattern: '/admin/:section',
    render: (p, admin) =>
      admin ? <AdminPage section={p.section!} /> : <p>This page is for administrators.</p>,
  },
];

function SignedInRoutes({ path, admin }: { path: string; admin: boolean }) {
  for (const route of ROUTES) {
    const params = matchPath(route.pattern, path);
    if (params) return <>{route.render(params, admin)}</>;
  }
  return (
    <>
      <h1>Page not found</h1>
      <p>There is nothing at {path}.</p>
    </>
  );
}

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

export function App() {
  const { session } = useSession();
  const { path } = useLocation();
  if (session.status === 'loading')
    return (
      <main id="main" className="loading" aria-busy="true">
        <p>Loading…</p>
      </main>
    );
  if (session.status === 'signed-out') {
    if (path === '/signup') return <SignUpPage />;
    if (path !== '/signin') return <Redirect to="/signin" />;
    return <SignInPage />;
  }
  if (path === '/' || path === '/signin' || path === '/signup') return <Redirect to="/tasks" />;
  if (path === '/admin') return <Redirect to="/admin/users" />;
  return (
    <AppShell>
      <SignedInRoutes path={path} admin={isAdmin(session.user)} />
    </AppShell>
  );
}

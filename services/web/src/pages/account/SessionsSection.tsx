import { useApi, useSession } from '../../app/context';
import { ErrorNote } from '../../ui/forms';
import { formatDate, useAction, useResource } from '../../ui/hooks';

export function SessionsSection() {
  const api = useApi();
  const { signOut } = useSession();
  const sessions = useResource(() => api.auth.sessions(), [api]);
  const revoke = useAction(async (id: string) => {
    await api.auth.revokeSession(id);
    await sessions.reload();
  });
  return (
    <section className="card" aria-labelledby="sessions-h">
      <h2 id="sessions-h">Sessions</h2>
      <ErrorNote error={sessions.error ?? revoke.error} />
      <ul className="plain-list">
        {sessions.data?.items.map((s) => (
          <li key={s.id} className="row">
            <span>
              <strong>{s.current ? 'This device' : s.userAgent || 'Unknown device'}</strong>
              <br />
              <small>
                {s.ip} · last active {formatDate(s.lastSeenAt)}
              </small>
            </span>
            {!s.current && (
              <button
                type="button"
                onClick={() => void revoke.run(s.id)}
                aria-label={`Revoke session from ${s.ip}`}
              >
                Revoke
              </button>
            )}
          </li>
        ))}
      </ul>
      <button type="button" className="danger" onClick={() => void signOut('global')}>
        Sign out everywhere
      </button>
    </section>
  );
}

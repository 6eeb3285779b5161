import type { User } from '../../api/types';
import { useApi, useUser } from '../../app/context';
import { Checkbox, ErrorNote } from '../../ui/forms';
import { formatDate, useAction, useResource } from '../../ui/hooks';

const ROLES = ['moderator', 'admin'] as const;

export function UsersPanel() {
  const api = useApi();
  const me = useUser();
  const users = useResource(() => api.auth.users(), [api]);
  const replace = (u: User) =>
    users.set((page) => ({
      items: (page?.items ?? []).map((x) => (x.id === u.id ? u : x)),
      nextCursor: page?.nextCursor ?? null,
    }));
  const setRole = useAction(async (u: User, role: string, on: boolean) => {
    const roles = on ? [...new Set([...u.roles, role])] : u.roles.filter((r) => r !== role);
    replace(await api.auth.setRoles(u.id, roles));
  });
  const setDisabled = useAction(async (u: User, disabled: boolean) => {
    replace(await api.auth.setDisabled(u.id, disabled));
  });
  return (
    <section aria-labelledby="users-h">
      <h2 id="users-h">Users and roles</h2>
      <ErrorNote error={users.error ?? setRole.error ?? setDisabled.error} />
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              {ROLES.map((r) => (
                <th scope="col" key={r}>
                  {r}
                </th>
              ))}
              <th scope="col">MFA</th>
              <th scope="col">Joined</th>
              <th scope="col">Account</th>
            </tr>
          </thead>
          <tbody>
            {users.data?.items.map((u) => (
              <tr key={u.id}>
                <th scope="row">{u.name}</th>
                <td>{u.email}</td>
                {ROLES.map((r) => (
                  <td key={r}>
                    <Checkbox
                      label={<span className="visually-hidden">{`${r} role for ${u.email}`}</span>}
                      checked={u.roles.includes(r)}
                      onChange={(e) => void setRole.run(u, r, e.target.checked)}
                    />
                  </td>
                ))}
                <td>{u.mfaEnabled ? 'on' : 'off'}</td>
                <td>{formatDate(u.createdAt)}</td>
                <td>
                  {u.id !== me.id && (
                    <button type="button" onClick={() => void setDisabled.run(u, !u.disabled)}>
                      {u.disabled ? 'Enable' : 'Disable'}
                      <span className="visually-hidden"> {u.email}</span>
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

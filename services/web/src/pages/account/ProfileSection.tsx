import type { FormEvent } from 'react';
import { useApi, useSession, useUser } from '../../app/context';
import { ErrorNote, TextField } from '../../ui/forms';
import { useAction } from '../../ui/hooks';

export function ProfileSection() {
  const api = useApi();
  const user = useUser();
  const { refreshUser } = useSession();
  const rename = useAction(async (name: string) => {
    await api.auth.rename(name);
    await refreshUser();
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    void rename.run(String(new FormData(e.currentTarget).get('name')));
  };
  return (
    <section className="card" aria-labelledby="profile-h">
      <h2 id="profile-h">Profile</h2>
      <p>
        {user.email} · roles: {user.roles.join(', ')}
      </p>
      <form onSubmit={submit}>
        <TextField label="Name" name="name" defaultValue={user.name} required maxLength={100} />
        <ErrorNote error={rename.error} />
        <button type="submit" disabled={rename.busy}>
          Save name
        </button>
      </form>
    </section>
  );
}

import { type FormEvent, useState } from 'react';
import { useApi } from '../../app/context';
import { ErrorNote, TextField } from '../../ui/forms';
import { useAction } from '../../ui/hooks';

export function PasswordSection() {
  const api = useApi();
  const [done, setDone] = useState(false);
  const change = useAction(async (form: HTMLFormElement) => {
    const data = new FormData(form);
    await api.auth.changePassword({
      currentPassword: String(data.get('currentPassword')),
      newPassword: String(data.get('newPassword')),
    });
    form.reset();
    setDone(true);
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setDone(false);
    void change.run(e.currentTarget);
  };
  return (
    <section className="card" aria-labelledby="password-h">
      <h2 id="password-h">Change password</h2>
      <form onSubmit={submit}>
        <TextField
          label="Current password"
          name="currentPassword"
          type="password"
          autoComplete="current-password"
          required
        />
        <TextField
          label="New password"
          name="newPassword"
          type="password"
          autoComplete="new-password"
          minLength={10}
          maxLength={128}
          hint="10 to 128 characters; your other sessions are signed out"
          required
        />
        <ErrorNote error={change.error} />
        {done && <p role="status">Password changed.</p>}
        <button type="submit" disabled={change.busy}>
          Change password
        </button>
      </form>
    </section>
  );
}

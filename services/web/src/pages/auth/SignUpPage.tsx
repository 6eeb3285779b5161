// Sign up. The platform answers the same whether or not the email exists (no enumeration), so
// the page says so and sends the person on to sign in.
import { type FormEvent, useState } from 'react';
import { useApi } from '../../app/context';
import { Link } from '../../app/router';
import { ErrorNote, TextField } from '../../ui/forms';
import { useAction } from '../../ui/hooks';
import { AuthCard } from './AuthCard';

export function SignUpPage() {
  const api = useApi();
  const [done, setDone] = useState<string | undefined>();
  const register = useAction(async (body: { email: string; password: string; name: string }) => {
    setDone((await api.auth.register(body)).message);
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    void register.run({
      name: String(form.get('name')),
      email: String(form.get('email')),
      password: String(form.get('password')),
    });
  };
  if (done)
    return (
      <AuthCard title="Account requested">
        <p role="status">{done}</p>
        <Link href="/signin" className="button primary">
          Continue to sign in
        </Link>
      </AuthCard>
    );
  return (
    <AuthCard title="Create an account">
      <form onSubmit={submit}>
        <TextField label="Name" name="name" autoComplete="name" required autoFocus />
        <TextField label="Email" name="email" type="email" autoComplete="email" required />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          minLength={10}
          maxLength={128}
          hint="10 to 128 characters"
          required
        />
        <ErrorNote error={register.error} />
        <button type="submit" className="primary" disabled={register.busy}>
          Create account
        </button>
      </form>
      <p>
        Already registered? <Link href="/signin">Sign in</Link>
      </p>
    </AuthCard>
  );
}

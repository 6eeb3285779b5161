// Sign in: email and password, then — when MFA is on — a code from the authenticator app or a
// backup code.
import { type FormEvent, useState } from 'react';
import type { MfaChallenge } from '../../api/types';
import { useApi, useSession } from '../../app/context';
import { Link } from '../../app/router';
import { ErrorNote, TextField } from '../../ui/forms';
import { useAction } from '../../ui/hooks';
import { AuthCard } from './AuthCard';

export function SignInPage() {
  const api = useApi();
  const { signedIn } = useSession();
  const [challenge, setChallenge] = useState<MfaChallenge | undefined>();
  const login = useAction(async (email: string, password: string) => {
    const result = await api.auth.login({ email, password });
    if ('mfaRequired' in result) setChallenge(result);
    else signedIn(result);
  });
  const mfa = useAction(async (code: string) => {
    signedIn(await api.auth.loginMfa({ challengeToken: challenge!.challengeToken, code }));
  });

  if (challenge) {
    const submit = (e: FormEvent<HTMLFormElement>) => {
      e.preventDefault();
      const code = String(new FormData(e.currentTarget).get('code') ?? '').replace(/\s/g, '');
      void mfa.run(code);
    };
    return (
      <AuthCard title="Two-step verification">
        <form onSubmit={submit}>
          <p>Enter the 6-digit code from your authenticator app, or one of your backup codes.</p>
          <TextField
            label="Code"
            name="code"
            autoComplete="one-time-code"
            inputMode="numeric"
            required
            autoFocus
          />
          <ErrorNote error={mfa.error} />
          <button type="submit" className="primary" disabled={mfa.busy}>
            Verify
          </button>{' '}
          <button type="button" onClick={() => setChallenge(undefined)}>
            Back
          </button>
        </form>
      </AuthCard>
    );
  }

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    void login.run(String(form.get('email')), String(form.get('password')));
  };
  return (
    <AuthCard title="Sign in">
      <form onSubmit={submit}>
        <TextField label="Email" name="email" type="email" autoComplete="username" required autoFocus />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
        />
        <ErrorNote error={login.error} />
        <button type="submit" className="primary" disabled={login.busy}>
          Sign in
        </button>
      </form>
      <p>
        New here? <Link href="/signup">Create an account</Link>
      </p>
    </AuthCard>
  );
}

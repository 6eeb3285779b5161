// Two-step verification: enrol (QR code and the secret for typing in), confirm with a code,
// then the backup codes are shown once; or turn it off with the password.
import { type FormEvent, useState } from 'react';
import type { MfaEnrolment } from '../../api/types';
import { useApi, useSession, useUser } from '../../app/context';
import { ErrorNote, TextField } from '../../ui/forms';
import { useAction } from '../../ui/hooks';

const secretOf = (uri: string) => new URL(uri).searchParams.get('secret') ?? '';
const field = (e: FormEvent<HTMLFormElement>, name: string) => {
  e.preventDefault();
  return String(new FormData(e.currentTarget).get(name) ?? '').replace(/\s/g, '');
};

export function MfaSection() {
  const api = useApi();
  const user = useUser();
  const { refreshUser } = useSession();
  const [enrolment, setEnrolment] = useState<MfaEnrolment | undefined>();
  const [backupCodes, setBackupCodes] = useState<string[] | undefined>();
  const enrol = useAction(async () => setEnrolment(await api.auth.enrolMfa()));
  const confirm = useAction(async (code: string) => {
    const { backupCodes } = await api.auth.confirmMfa(code);
    setEnrolment(undefined);
    setBackupCodes(backupCodes);
    await refreshUser();
  });
  const disable = useAction(async (password: string) => {
    await api.auth.disableMfa(password);
    setBackupCodes(undefined);
    await refreshUser();
  });

  return (
    <section className="card" aria-labelledby="mfa-h">
      <h2 id="mfa-h">Two-step verification</h2>
      <p>
        Status: <strong>{user.mfaEnabled ? 'on' : 'off'}</strong>
      </p>
      {backupCodes && (
        <div className="notice" role="status">
          <p>Save these backup codes now; each works once and they are not shown again.</p>
          <ul className="backup-codes" aria-label="Backup codes">
            {backupCodes.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ul>
        </div>
      )}
      {!user.mfaEnabled && !enrolment && (
        <>
          <ErrorNote error={enrol.error} />
          <button type="button" onClick={() => void enrol.run()} disabled={enrol.busy}>
            Set up two-step verification
          </button>
        </>
      )}
      {enrolment && (
        <form onSubmit={(e) => void confirm.run(field(e, 'code'))}>
          <p>Scan the code with an authenticator app, or type the secret in.</p>
          <img className="qr" src={enrolment.qrDataUrl} alt="QR code for your authenticator app" />
          <p>
            Secret: <code data-testid="mfa-secret">{secretOf(enrolment.otpauthUri)}</code>
          </p>
          <TextField
            label="Code from the app"
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            required
          />
          <ErrorNote error={confirm.error} />
          <button type="submit" className="primary" disabled={confirm.busy}>
            Turn on
          </button>
        </form>
      )}
      {user.mfaEnabled && (
        <form onSubmit={(e) => void disable.run(field(e, 'password'))}>
          <TextField label="Password to turn it off" name="password" type="password" required />
          <ErrorNote error={disable.error} />
          <button type="submit" className="danger" disabled={disable.busy}>
            Turn off
          </button>
        </form>
      )}
    </section>
  );
}

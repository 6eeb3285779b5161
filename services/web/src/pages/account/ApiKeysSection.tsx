// Personal API keys for the OpenAI-compatible /v1 API and scripts; the secret is shown once.
import { type FormEvent, useState } from 'react';
import { useApi } from '../../app/context';
import { ErrorNote, TextField } from '../../ui/forms';
import { formatDate, useAction, useResource } from '../../ui/hooks';

export function ApiKeysSection() {
  const api = useApi();
  const keys = useResource(() => api.auth.apiKeys(), [api]);
  const [secret, setSecret] = useState<string | undefined>();
  const create = useAction(async (form: HTMLFormElement) => {
    const data = new FormData(form);
    const days = Number(data.get('days'));
    const key = await api.auth.createApiKey({
      name: String(data.get('name')),
      ...(days > 0 ? { expiresInDays: days } : {}),
    });
    setSecret(key.key);
    form.reset();
    await keys.reload();
  });
  const revoke = useAction(async (id: string) => {
    await api.auth.revokeApiKey(id);
    await keys.reload();
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    void create.run(e.currentTarget);
  };
  return (
    <section className="card" aria-labelledby="keys-h">
      <h2 id="keys-h">Personal API keys</h2>
      <p>For the OpenAI-compatible API at /v1 and your scripts. A key acts with your roles.</p>
      {secret && (
        <div className="notice" role="status">
          <p>Copy the key now; it is not shown again:</p>
          <code className="secret">{secret}</code>
        </div>
      )}
      <form onSubmit={submit} className="inline-form">
        <TextField label="Key name" name="name" required maxLength={100} />
        <TextField label="Expires in days (optional)" name="days" type="number" min={1} max={3650} />
        <button type="submit" disabled={create.busy}>
          Create key
        </button>
      </form>
      <ErrorNote error={keys.error ?? create.error ?? revoke.error} />
      <ul className="plain-list">
        {keys.data?.items.map((k) => (
          <li key={k.id} className="row">
            <span>
              <strong>{k.name}</strong> <code>{k.prefix}…</code>
              <br />
              <small>
                created {formatDate(k.createdAt)}
                {k.expiresAt ? ` · expires ${formatDate(k.expiresAt)}` : ''}
                {k.lastUsedAt ? ` · used ${formatDate(k.lastUsedAt)}` : ' · never used'}
              </small>
            </span>
            <button type="button" onClick={() => void revoke.run(k.id)} aria-label={`Revoke key ${k.name}`}>
              Revoke
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

// HTTP to the gateway for the CLI: the bearer token from the credential store, refreshed
// before it expires or once after a 401 (the rotated pair is saved), and every failure turned
// into one ClientError line.
import type { CredentialStore, StoredSession } from './credentials.js';

/** A failure to show the user: one line, exit code 1. */
export class ClientError extends Error {
  override readonly name = 'ClientError';
  constructor(
    message: string,
    /** The server was unreachable or temporarily unavailable: the same request may succeed later. */
    readonly transient = false,
  ) {
    super(message);
  }
}

const TRANSIENT_STATUSES = new Set([502, 503, 504]);
const RETRY_DELAY_MS = 500;

function failure(status: number, body: unknown): ClientError {
  return new ClientError(problemMessage(status, body), TRANSIENT_STATUSES.has(status));
}

/** Refresh this long before the access token expires. */
const EXPIRY_MARGIN_MS = 30_000;

export interface TokenPair {
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  user: { email: string };
}

export function sessionFrom(pair: TokenPair, now = Date.now()): StoredSession {
  return {
    email: pair.user.email,
    accessToken: pair.accessToken,
    refreshToken: pair.refreshToken,
    accessExpiresAt: now + pair.expiresIn * 1000,
  };
}

/** The detail of a problem+json answer, else the status line (pure). */
export function problemMessage(status: number, body: unknown): string {
  const b = body as { detail?: unknown; title?: unknown } | undefined;
  const detail =
    typeof b?.detail === 'string' ? b.detail : typeof b?.title === 'string' ? b.title : undefined;
  return `${detail ?? 'request failed'} (HTTP ${status})`.replace(/[\r\n]+/g, ' ');
}

export interface Response<T> {
  status: number;
  body: T;
}

export class ApiClient {
  constructor(
    readonly url: string,
    private readonly store: CredentialStore,
  ) {}

  /** Unauthenticated JSON request; any non-2xx becomes a ClientError. */
  async send<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<T> {
    const res = await this.raw<T>(method, path, body, headers);
    if (res.status >= 400) throw failure(res.status, res.body);
    return res.body;
  }

  /**
   * Authenticated request with the stored session for this URL. `retryTransient` repeats it once
   * after a transient failure: only for requests that are safe to repeat (reads, or a create
   * carrying an Idempotency-Key).
   */
  async authed<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    options: { retryTransient?: boolean } = {},
  ): Promise<T> {
    try {
      return await this.authedOnce<T>(method, path, body, headers);
    } catch (err) {
      if (!options.retryTransient || !(err instanceof ClientError) || !err.transient) throw err;
      await new Promise((r) => setTimeout(r, RETRY_DELAY_MS));
      return this.authedOnce<T>(method, path, body, headers);
    }
  }

  private async authedOnce<T>(
    method: string,
    path: string,
    body: unknown,
    headers: Record<string, string>,
  ): Promise<T> {
    let session = await this.store.get(this.url);
    if (!session) throw new ClientError(`not signed in to ${this.url}; run \`elwosa login\``);
    if (session.accessExpiresAt - EXPIRY_MARGIN_MS <= Date.now()) session = await this.refresh(session);
    let res = await this.raw<T>(method, path, body, {
      ...headers,
      authorization: `Bearer ${session.accessToken}`,
    });
    if (res.status === 401) {
      session = await this.refresh(session);
      res = await this.raw<T>(method, path, body, {
        ...headers,
        authorization: `Bearer ${session.accessToken}`,
      });
    }
    if (res.status >= 400) throw failure(res.status, res.body);
    return res.body;
  }

  private async refresh(session: StoredSession): Promise<StoredSession> {
    const res = await this.raw<TokenPair>('POST', '/api/auth/refresh', {
      refreshToken: session.refreshToken,
    });
    if (res.status === 401 || res.status === 400) {
      await this.store.remove(this.url);
      throw new ClientError('the session has ended; run `elwosa login` again');
    }
    if (res.status >= 400) throw failure(res.status, res.body);
    const next = sessionFrom(res.body);
    await this.store.put(this.url, next);
    return next;
  }

  private async raw<T>(
    method: string,
    path: string,
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<Response<T>> {
    let res: globalThis.Response;
    try {
      res = await fetch(`${this.url}${path}`, {
        method,
        headers: {
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (err) {
      const { cause } = err as { cause?: { code?: string; message?: string } };
      const reason = cause?.code ?? cause?.message ?? (err as Error).message;
      throw new ClientError(`cannot reach ${this.url} (${reason})`, true);
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed as T };
  }
}

// Where the tokens live. The access token (15 minutes) only in memory: script on the page can
// use it while the page is open but it is never written anywhere. The refresh token in
// localStorage, so a reload or a new tab stays signed in (docs/web.md explains the XSS
// trade-off). Refresh tokens are single use, so refreshes are serialised across tabs with a Web
// Lock and the current refresh token is read inside the lock: two tabs never spend the same one.
import { ApiError } from '../api/http';
import type { TokenPair } from '../api/types';

const REFRESH_KEY = 'elwosa.refreshToken';
const LOCK_NAME = 'elwosa.refresh';
/** Refresh this long before the access token expires. */
const EARLY_MS = 60_000;

export type RefreshCall = (refreshToken: string) => Promise<TokenPair>;
type Listener = (signedIn: boolean) => void;

export class TokenStore {
  private access: { token: string; expiresAt: number } | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inFlight: Promise<TokenPair | undefined> | undefined;
  private readonly listeners = new Set<Listener>();
  private refreshCall: RefreshCall | undefined;

  constructor(private readonly storage: Storage = window.localStorage) {
    // Another tab signed out: so does this one.
    window.addEventListener('storage', (e) => {
      if (e.key === REFRESH_KEY && e.newValue === null && this.access) this.clear();
    });
  }

  /** The auth API's refresh call (set once the client exists: the client needs this store). */
  setRefreshCall(call: RefreshCall): void {
    this.refreshCall = call;
  }

  get accessToken(): string | undefined {
    return this.access && this.access.expiresAt > Date.now() ? this.access.token : undefined;
  }

  hasRefreshToken(): boolean {
    return this.storage.getItem(REFRESH_KEY) !== null;
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  accept(pair: TokenPair): void {
    this.access = { token: pair.accessToken, expiresAt: Date.now() + pair.expiresIn * 1000 };
    this.storage.setItem(REFRESH_KEY, pair.refreshToken);
    if (this.timer) clearTimeout(this.timer);
    const delay = Math.max(5_000, pair.expiresIn * 1000 - EARLY_MS);
    this.timer = setTimeout(() => void this.refresh(), delay);
    for (const l of this.listeners) l(true);
  }

  clear(): void {
    this.access = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.storage.removeItem(REFRESH_KEY);
    for (const l of this.listeners) l(false);
  }

  /** A new token pair from the stored refresh token; undefined (and signed out) when refused. */
  refresh(): Promise<TokenPair | undefined> {
    this.inFlight ??= this.lockedRefresh().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async lockedRefresh(): Promise<TokenPair | undefined> {
    const run = async () => {
      const refreshToken = this.storage.getItem(REFRESH_KEY);
      if (!refreshToken || !this.refreshCall) return undefined;
      try {
        const pair = await this.refreshCall(refreshToken);
        this.accept(pair);
        return pair;
      } catch (err) {
        // A refused refresh token ends the session; a network failure or an unavailable
        // platform (429, 5xx) keeps it for later.
        if (err instanceof ApiError && err.status >= 400 && err.status < 429) this.clear();
        return undefined;
      }
    };
    return navigator.locks ? navigator.locks.request(LOCK_NAME, run) : run();
  }
}

// React access to the services and the signed-in user. The session starts from the stored
// refresh token (a reload stays signed in), the live socket runs while someone is signed in.
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import type { Api } from '../api/client';
import type { TokenPair, User } from '../api/types';
import type { LiveEvent, LiveStatus } from '../live/live-socket';
import { offlineStore } from '../tasks/offline-store';
import type { Services } from './services';

export type SessionState =
  | { status: 'loading' }
  | { status: 'signed-out' }
  | { status: 'signed-in'; user: User };

interface AppContextValue {
  services: Services;
  session: SessionState;
  signedIn(pair: TokenPair): void;
  signOut(scope?: 'local' | 'global'): Promise<void>;
  refreshUser(): Promise<void>;
}

// The signed-in user's profile (not a secret) for the offline view after a reload.
const USER_KEY = 'elwosa.user';
function rememberUser(user: User): User {
  localStorage.setItem(USER_KEY, JSON.stringify(user));
  return user;
}
function cachedUser(): User | undefined {
  try {
    return JSON.parse(localStorage.getItem(USER_KEY) ?? 'null') ?? undefined;
  } catch {
    return undefined;
  }
}

const AppContext = createContext<AppContextValue | undefined>(undefined);

function useAppContext(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error('AppProvider is missing');
  return value;
}

export function AppProvider({ services, children }: { services: Services; children: ReactNode }) {
  const [session, setSession] = useState<SessionState>({ status: 'loading' });
  const { api, tokens, live } = services;

  const refreshUser = useCallback(async () => {
    const user = await api.auth.me();
    setSession({ status: 'signed-in', user: rememberUser(user) });
  }, [api]);

  useEffect(() => {
    const off = tokens.onChange((signedIn) => {
      if (!signedIn) {
        live.stop();
        localStorage.removeItem(USER_KEY);
        setSession({ status: 'signed-out' });
      }
    });
    const start = () =>
      tokens.refresh().then((pair) => {
        if (pair) return setSession({ status: 'signed-in', user: rememberUser(pair.user) });
        // Still holding a refresh token means the platform was unreachable: offline, not signed out.
        const cached = tokens.hasRefreshToken() ? cachedUser() : undefined;
        setSession(cached ? { status: 'signed-in', user: cached } : { status: 'signed-out' });
      });
    if (!tokens.hasRefreshToken()) setSession({ status: 'signed-out' });
    else void start();
    const online = () => {
      if (tokens.hasRefreshToken() && !tokens.accessToken) void start();
    };
    window.addEventListener('online', online);
    return () => {
      off();
      window.removeEventListener('online', online);
    };
  }, [tokens, live]);

  useEffect(() => {
    if (session.status === 'signed-in') live.start();
  }, [session.status, live]);

  const value = useMemo<AppContextValue>(
    () => ({
      services,
      session,
      signedIn(pair) {
        tokens.accept(pair);
        setSession({ status: 'signed-in', user: rememberUser(pair.user) });
      },
      async signOut(scope = 'local') {
        await api.auth.logout(scope).catch(() => undefined);
        if (session.status === 'signed-in') offlineStore.forget(session.user.id);
        tokens.clear();
      },
      refreshUser,
    }),
    [services, session, tokens, api, refreshUser],
  );
  return <AppContext.Provider value={value}>{children}</AppContext.Provider>;
}

export const useApi = (): Api => useAppContext().services.api;
export const useServices = (): Services => useAppContext().services;
export const useSession = () => useAppContext();

/** The signed-in user (only inside the signed-in part of the app). */
export function useUser(): User {
  const { session } = useAppContext();
  if (session.status !== 'signed-in') throw new Error('not signed in');
  return session.user;
}

export const isAdmin = (user: User) => user.roles.includes('admin');

/** Calls `handler` for live events whose type starts with one of `prefixes` (and for `resync`). */
export function useLiveEvents(prefixes: readonly string[], handler: (event: LiveEvent) => void): void {
  const { live } = useAppContext().services;
  const ref = useRef(handler);
  ref.current = handler;
  const key = prefixes.join('|');
  useEffect(() => {
    const wanted = key.split('|');
    return live.subscribe((event) => {
      if (event.type === 'resync' || wanted.some((p) => event.type.startsWith(p))) ref.current(event);
    });
  }, [live, key]);
}

export function useLiveStatus(): LiveStatus {
  const { live } = useAppContext().services;
  const [status, setStatus] = useState<LiveStatus>(live.status);
  useEffect(() => live.onStatus(setStatus), [live]);
  return status;
}

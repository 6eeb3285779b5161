// The token store: refreshes a minute before the access token expires, one refresh at a time
// (single-use refresh tokens), the stored refresh token read inside the lock, signed out when
// the refresh token is refused, kept when the network is down.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../src/api/http.ts';
import type { TokenPair } from '../src/api/types.ts';
import { TokenStore } from '../src/auth/tokens.ts';
import { MemoryStorage } from './support/memory-storage.ts';

const pair = (n: number, expiresIn = 900): TokenPair => ({
  tokenType: 'Bearer',
  accessToken: `access-${n}`,
  expiresIn,
  refreshToken: `refresh-${n}`,
  refreshExpiresIn: 86_400,
  user: {
    id: 'u1',
    email: 'ada@example.com',
    name: 'Ada',
    roles: ['user'],
    mfaEnabled: false,
    disabled: false,
    createdAt: '2026-11-21T10:00:00.000Z',
  },
});
const refused = () => new ApiError(401, { status: 401, detail: 'refresh token refused' });

describe('TokenStore', () => {
  let storage: MemoryStorage;
  beforeEach(() => {
    vi.useFakeTimers();
    vi.stubGlobal('window', new EventTarget());
    storage = new MemoryStorage();
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('keeps the access token in memory only and refreshes a minute before it expires', async () => {
    const store = new TokenStore(storage);
    let n = 1;
    const calls: string[] = [];
    store.setRefreshCall(async (rt) => {
      calls.push(rt);
      return pair(++n);
    });
    store.accept(pair(1));
    expect(store.accessToken).toBe('access-1');
    expect([...Array(storage.length).keys()].map((i) => storage.getItem(storage.key(i)!))).toEqual([
      'refresh-1',
    ]);
    await vi.advanceTimersByTimeAsync(900_000 - 61_000);
    expect(calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(calls).toEqual(['refresh-1']);
    expect(store.accessToken).toBe('access-2');
    expect(storage.getItem('elwosa.refreshToken')).toBe('refresh-2');
  });

  it('spends a refresh token once even when asked twice at the same time', async () => {
    const store = new TokenStore(storage);
    storage.setItem('elwosa.refreshToken', 'refresh-0');
    let n = 0;
    const calls: string[] = [];
    store.setRefreshCall(async (rt) => {
      calls.push(rt);
      return pair(++n);
    });
    const [x, y] = await Promise.all([store.refresh(), store.refresh()]);
    expect(calls).toEqual(['refresh-0']);
    expect(x?.accessToken).toBe('access-1');
    expect(y?.accessToken).toBe('access-1');
    // The next one uses the rotated token, read from storage (another tab may have rotated it).
    storage.setItem('elwosa.refreshToken', 'refresh-from-other-tab');
    await store.refresh();
    expect(calls).toEqual(['refresh-0', 'refresh-from-other-tab']);
  });

  it('signs out when the refresh token is refused, keeps it when the network or platform is down', async () => {
    const store = new TokenStore(storage);
    const changes: boolean[] = [];
    store.onChange((signedIn) => changes.push(signedIn));
    storage.setItem('elwosa.refreshToken', 'refresh-0');
    store.setRefreshCall(async () => {
      throw new TypeError('fetch failed');
    });
    expect(await store.refresh()).toBeUndefined();
    expect(store.hasRefreshToken()).toBe(true);
    store.setRefreshCall(async () => {
      throw new ApiError(503, { status: 503, detail: 'database unavailable' });
    });
    expect(await store.refresh()).toBeUndefined();
    expect(store.hasRefreshToken()).toBe(true);
    expect(changes).toEqual([]);
    store.setRefreshCall(async () => {
      throw refused();
    });
    expect(await store.refresh()).toBeUndefined();
    expect(store.hasRefreshToken()).toBe(false);
    expect(changes).toEqual([false]);
  });

  it('follows a sign-out in another tab', () => {
    const store = new TokenStore(storage);
    const changes: boolean[] = [];
    store.onChange((signedIn) => changes.push(signedIn));
    store.accept(pair(1));
    storage.removeItem('elwosa.refreshToken');
    window.dispatchEvent(Object.assign(new Event('storage'), { key: 'elwosa.refreshToken', newValue: null }));
    expect(store.accessToken).toBeUndefined();
    expect(changes).toEqual([true, false]);
  });
});

// Loading data and running actions with busy and error state, the same way on every page.
import { useCallback, useEffect, useRef, useState } from 'react';

export interface Resource<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): Promise<void>;
  set(update: T | ((old: T | undefined) => T)): void;
}

/** Loads `load()` now and whenever `deps` change; the newest call wins. */
export function useResource<T>(load: () => Promise<T>, deps: readonly unknown[]): Resource<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: true,
  });
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const reload = useCallback(async () => {
    const mine = ++generation.current;
    setState((s) => ({ ...s, loading: true }));
    try {
      const data = await loadRef.current();
      if (mine === generation.current) setState({ data, error: undefined, loading: false });
    } catch (error) {
      if (mine === generation.current) setState((s) => ({ ...s, error, loading: false }));
    }
  }, []);
  // A new generation whenever one of the caller's deps changes (compared like React does).
  const seen = useRef<{ deps: readonly unknown[]; key: number } | undefined>(undefined);
  if (
    !seen.current ||
    deps.length !== seen.current.deps.length ||
    deps.some((d, i) => !Object.is(d, seen.current!.deps[i]))
  )
    seen.current = { deps, key: (seen.current?.key ?? 0) + 1 };
  const depsKey = seen.current.key;
  useEffect(() => {
    if (depsKey) void reload();
  }, [reload, depsKey]);
  const set = useCallback((update: T | ((old: T | undefined) => T)) => {
    setState((s) => ({
      ...s,
      data: typeof update === 'function' ? (update as (old: T | undefined) => T)(s.data) : update,
    }));
  }, []);
  return { ...state, reload, set };
}

/** Wraps an async action: `busy` while it runs, its error kept until the next run. */
export function useAction<A extends unknown[], R>(action: (...args: A) => Promise<R>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const ref = useRef(action);
  ref.current = action;
  const run = useCallback(async (...args: A): Promise<R | undefined> => {
    setBusy(true);
    setError(undefined);
    try {
      return await ref.current(...args);
    } catch (err) {
      setError(err);
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { run, busy, error, setError };
}

/** The same object as long as its JSON is the same (for filter objects rebuilt on each render). */
export function useStableValue<T>(value: T): T {
  const ref = useRef(value);
  if (JSON.stringify(ref.current) !== JSON.stringify(value)) ref.current = value;
  return ref.current;
}

export const formatDate = (iso: string | null | undefined): string =>
  iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : '';

import type { CacheBus, SetOptions } from './cache-bus.js';

/** Reads a JSON value stored with setJson; null when absent. The caller vouches for the type. */
export async function getJson<T>(bus: CacheBus, key: string): Promise<T | null> {
  const raw = await bus.get(key);
  return raw === null ? null : (JSON.parse(raw) as T);
}

export function setJson(bus: CacheBus, key: string, value: unknown, options?: SetOptions): Promise<void> {
  return bus.set(key, JSON.stringify(value), options);
}

// The reconciler's view of the informer caches. Watching all namespaces, a kind has one informer;
// with a namespace watch list it has one informer per namespace, and NamespacedCache puts them
// back together (pure: it only routes get/list by namespace).
import type { KubeObjectJson } from './kube-api.js';

export interface ObjectCache {
  get(namespace: string | undefined, name: string): KubeObjectJson | undefined;
  /** Every cached object, or those of one namespace. */
  list(namespace?: string): readonly KubeObjectJson[];
}

/** One cache per watched namespace; objects of any other namespace are simply not there. */
export class NamespacedCache implements ObjectCache {
  constructor(private readonly byNamespace: ReadonlyMap<string, ObjectCache>) {}

  get namespaces(): string[] {
    return [...this.byNamespace.keys()];
  }

  get(namespace: string | undefined, name: string): KubeObjectJson | undefined {
    if (namespace !== undefined) return this.byNamespace.get(namespace)?.get(namespace, name);
    for (const [ns, cache] of this.byNamespace) {
      const found = cache.get(ns, name);
      if (found) return found;
    }
    return undefined;
  }

  list(namespace?: string): readonly KubeObjectJson[] {
    if (namespace !== undefined) return this.byNamespace.get(namespace)?.list(namespace) ?? [];
    return [...this.byNamespace.entries()].flatMap(([ns, cache]) => cache.list(ns));
  }
}

/**
 * `--watch-namespaces` / `ELWOSA_WATCH_NAMESPACES`: a comma-separated list, trimmed, without
 * duplicates. Empty (or only commas and blanks) means all namespaces.
 */
export function parseWatchNamespaces(value: string | undefined): string[] {
  const list = [
    ...new Set(
      (value ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    ),
  ];
  for (const ns of list)
    if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(ns))
      throw new Error(`invalid namespace in the watch list: ${JSON.stringify(ns)}`);
  return list;
}

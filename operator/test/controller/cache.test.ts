// The composite cache a namespace watch list puts together from one informer per namespace, and
// the parsing of the list itself.
import { describe, expect, it } from 'vitest';
import { NamespacedCache, type ObjectCache, parseWatchNamespaces } from '../../src/controller/cache.js';
import type { KubeObjectJson } from '../../src/controller/kube-api.js';

const obj = (namespace: string, name: string) =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace, name } }) as KubeObjectJson;

/** An informer's cache of one namespace (get/list ignore other namespaces, like client-node's). */
function single(items: KubeObjectJson[]): ObjectCache {
  return {
    get: (ns, name) =>
      items.find((o) => o.metadata.name === name && (ns === undefined || o.metadata.namespace === ns)),
    list: (ns) => items.filter((o) => ns === undefined || o.metadata.namespace === ns),
  };
}

describe('NamespacedCache', () => {
  const cache = new NamespacedCache(
    new Map([
      ['team-a', single([obj('team-a', 'x'), obj('team-a', 'y')])],
      ['monitoring', single([obj('monitoring', 'x')])],
      ['empty', single([])],
    ]),
  );

  it('gets an object from the cache of its namespace', () => {
    expect(cache.get('team-a', 'y')?.metadata.namespace).toBe('team-a');
    expect(cache.get('monitoring', 'x')?.metadata.namespace).toBe('monitoring');
    expect(cache.get('monitoring', 'y')).toBeUndefined();
    expect(cache.get('empty', 'x')).toBeUndefined();
  });

  it('has nothing for namespaces outside the list', () => {
    expect(cache.get('team-b', 'x')).toBeUndefined();
    expect(cache.list('team-b')).toEqual([]);
  });

  it('lists one namespace, or every watched namespace together', () => {
    expect(cache.list('team-a').map((o) => o.metadata.name)).toEqual(['x', 'y']);
    expect(cache.list().map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      'team-a/x',
      'team-a/y',
      'monitoring/x',
    ]);
  });

  it('finds a name in any namespace when none is given (the first in list order)', () => {
    expect(cache.get(undefined, 'x')?.metadata.namespace).toBe('team-a');
    expect(cache.get(undefined, 'z')).toBeUndefined();
    expect(cache.namespaces).toEqual(['team-a', 'monitoring', 'empty']);
  });
});

describe('parseWatchNamespaces', () => {
  it('splits, trims and deduplicates; empty means all namespaces', () => {
    expect(parseWatchNamespaces('team-a, monitoring,team-a,')).toEqual(['team-a', 'monitoring']);
    expect(parseWatchNamespaces('')).toEqual([]);
    expect(parseWatchNamespaces(' , ')).toEqual([]);
    expect(parseWatchNamespaces(undefined)).toEqual([]);
  });

  it('refuses what is not a namespace name', () => {
    expect(() => parseWatchNamespaces('team-a,Team_B')).toThrow(/Team_B/);
    expect(() => parseWatchNamespaces('-x')).toThrow(/invalid namespace/);
  });
});

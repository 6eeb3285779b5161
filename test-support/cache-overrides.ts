// A cache bus that answers some of its methods differently — a fault, a gate, a counter — and
// passes every other call to the bus it wraps. `overrides` is asked on every access, so a test
// can switch a fault on and off while the code under test holds the same bus.
import type { CacheBus } from '@elwosa/runtime';

export function overrideCache(inner: CacheBus, overrides: () => Partial<CacheBus>): CacheBus {
  return new Proxy(inner, {
    get(target, property) {
      const own: unknown = (overrides() as Record<PropertyKey, unknown>)[property];
      if (own !== undefined) return own;
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

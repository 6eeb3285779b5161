// Which requests may pass the gateway without a token: exactly the operations the services
// declare `auth: 'public'` in their route specs. Everything else under a routed prefix needs a
// valid access token, including paths no spec mentions (fail closed). Matching follows the
// services' express routers: case-insensitive, HEAD served by GET.
import type { RouteSpec } from '@elwosa/runtime';

export type PublicRouteMatcher = (method: string, path: string) => boolean;

const escapeRegExp = (s: string) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');

/** Express 5 path syntax (`/a/:id`, `/a/*rest`) to an anchored regular expression. */
export function expressPathToRegExp(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) => {
      if (segment.startsWith(':')) return '[^/]+';
      if (segment.startsWith('*')) return '.+';
      return escapeRegExp(segment);
    })
    .join('/');
  return new RegExp(`^${source}$`, 'i');
}

/** A matcher for the operations whose spec satisfies `select`. */
export function compileRouteMatcher(
  specs: readonly RouteSpec[],
  select: (spec: RouteSpec) => boolean,
): PublicRouteMatcher {
  const byMethod = new Map<string, RegExp[]>();
  for (const spec of specs) {
    if (!select(spec)) continue;
    const method = spec.method.toUpperCase();
    const list = byMethod.get(method) ?? [];
    list.push(expressPathToRegExp(spec.path));
    byMethod.set(method, list);
  }
  return (method, path) => {
    const patterns = byMethod.get(method === 'HEAD' ? 'GET' : method);
    return patterns?.some((re) => re.test(path)) ?? false;
  };
}

export const compilePublicRoutes = (specs: readonly RouteSpec[]): PublicRouteMatcher =>
  compileRouteMatcher(specs, (spec) => spec.auth === 'public');

/** Operations that also accept personal API keys (`apiKeys: true`). */
export const compileApiKeyRoutes = (specs: readonly RouteSpec[]): PublicRouteMatcher =>
  compileRouteMatcher(specs, (spec) => spec.apiKeys === true);

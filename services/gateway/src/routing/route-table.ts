// The gateway's routing table (ARCHITECTURE.md §2, contract): which upstream serves a
// normalised path. Prefixes match whole segments and ignore case, as the services' express
// routers do, so `/API/Tasks` is the tasks service and never a way around the gateway. Paths
// outside the table (another service's /metrics, /healthz, /readyz, /internal/*) are simply not
// routed; `internal` right after a prefix is refused as well, as defence in depth.
import type { Target } from '@elwosa/runtime';

export interface UpstreamRoute {
  prefix: string;
  target: Target;
  /** Public whatever the route specs say (the JWKS must be readable without a token). */
  alwaysPublic?: boolean;
  /** Only the prefix itself, nothing below it. */
  exact?: boolean;
}

export const UPSTREAM_ROUTES: readonly UpstreamRoute[] = [
  { prefix: '/api/auth', target: 'auth' },
  { prefix: '/.well-known/jwks.json', target: 'auth', alwaysPublic: true, exact: true },
  { prefix: '/api/chat', target: 'chat' },
  { prefix: '/api/tasks', target: 'tasks' },
  { prefix: '/api/ai', target: 'ai-bridge' },
  { prefix: '/v1', target: 'ai-bridge' },
  { prefix: '/api/notifications', target: 'notifications' },
  { prefix: '/api/memory', target: 'memory' },
  { prefix: '/api/analytics', target: 'analytics' },
];

/** Routes the gateway answers itself. */
export const GATEWAY_ROUTES = { ws: '/ws', openapi: '/api/openapi.json' } as const;
export type GatewayRouteName = keyof typeof GATEWAY_ROUTES;

export type RouteMatch =
  | { kind: 'upstream'; route: UpstreamRoute }
  | { kind: 'gateway'; name: GatewayRouteName }
  | { kind: 'blocked' }
  | { kind: 'none' };

const BLOCKED_FIRST_SEGMENTS = new Set(['internal']);

/** `path` must be normalised (normalizePath). */
export function matchRoute(path: string): RouteMatch {
  const lower = path.toLowerCase();
  for (const [name, routePath] of Object.entries(GATEWAY_ROUTES)) {
    if (lower === routePath) return { kind: 'gateway', name: name as GatewayRouteName };
  }
  for (const route of UPSTREAM_ROUTES) {
    if (lower === route.prefix) return { kind: 'upstream', route };
    if (route.exact || !lower.startsWith(`${route.prefix}/`)) continue;
    const firstSegment = lower.slice(route.prefix.length + 1).split('/')[0] ?? '';
    return BLOCKED_FIRST_SEGMENTS.has(firstSegment) ? { kind: 'blocked' } : { kind: 'upstream', route };
  }
  return { kind: 'none' };
}

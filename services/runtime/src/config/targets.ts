// The deployable targets, their default ports and public route prefixes (ARCHITECTURE.md §2, contract).

export const TARGETS = [
  'gateway',
  'auth',
  'chat',
  'tasks',
  'ai-bridge',
  'notifications',
  'memory',
  'analytics',
] as const;
export type Target = (typeof TARGETS)[number];

export const DEFAULT_PORTS: Readonly<Record<Target, number>> = {
  gateway: 8080,
  auth: 8081,
  chat: 8082,
  tasks: 8083,
  'ai-bridge': 8084,
  notifications: 8085,
  memory: 8765,
  analytics: 8086,
};

export function isTarget(value: string): value is Target {
  return (TARGETS as readonly string[]).includes(value);
}

/** `ai-bridge` → `AI_BRIDGE`, the form used in environment variable names. */
export function targetEnvName(target: Target): string {
  return target.toUpperCase().replace(/-/g, '_');
}

/** Parses `all` or a comma-separated list of targets; throws on an unknown name. */
export function parseTargets(value: string): Target[] {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0) throw new Error('no target given');
  if (names.includes('all')) return [...TARGETS];
  const unknown = names.filter((n) => !isTarget(n));
  if (unknown.length > 0)
    throw new Error(`unknown target(s): ${unknown.join(', ')} (known: all, ${TARGETS.join(', ')})`);
  return [...new Set(names)] as Target[];
}

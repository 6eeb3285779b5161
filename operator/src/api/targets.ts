// The platform targets the operator deploys, one Deployment each (ARCHITECTURE.md §2, contract).

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

export const TARGET_PORTS: Readonly<Record<Target, number>> = {
  gateway: 8080,
  auth: 8081,
  chat: 8082,
  tasks: 8083,
  'ai-bridge': 8084,
  notifications: 8085,
  memory: 8765,
  analytics: 8086,
};

/** `ai-bridge` → `AI_BRIDGE`, as used in `ELWOSA_SERVICE_<TARGET>_URL`. */
export function targetEnvName(target: Target): string {
  return target.toUpperCase().replaceAll('-', '_');
}

// Roles map to permission strings (ARCHITECTURE.md §5, contract). Every service checks
// permissions, never role names.

export const ROLES = ['admin', 'moderator', 'user'] as const;
export type Role = (typeof ROLES)[number];

const USER_PERMISSIONS = [
  'tasks:read',
  'tasks:write',
  'chat:read',
  'chat:write',
  'memory:read',
  'memory:write',
  'notifications:read',
  'notifications:write',
  'ai:use',
  'analytics:read:own',
  'profile:write',
] as const;

const MODERATOR_PERMISSIONS = [...USER_PERMISSIONS, 'users:read', 'audit:read'] as const;

const ADMIN_PERMISSIONS = [
  ...MODERATOR_PERMISSIONS,
  'users:write',
  'analytics:read:all',
  'ai:admin',
  'admin:*',
] as const;

export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly string[]>> = {
  user: USER_PERMISSIONS,
  moderator: MODERATOR_PERMISSIONS,
  admin: ADMIN_PERMISSIONS,
};

export function permissionsFor(roles: readonly string[]): Set<string> {
  const granted = new Set<string>();
  for (const role of roles) {
    for (const p of ROLE_PERMISSIONS[role as Role] ?? []) granted.add(p);
  }
  return granted;
}

/** True when `granted` contains `permission`, directly or through a `<prefix>:*` wildcard. */
export function hasPermission(granted: ReadonlySet<string>, permission: string): boolean {
  if (granted.has(permission)) return true;
  const parts = permission.split(':');
  for (let i = parts.length - 1; i > 0; i--) {
    if (granted.has(`${parts.slice(0, i).join(':')}:*`)) return true;
  }
  return false;
}

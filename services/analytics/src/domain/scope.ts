// Whose data a report covers (pure). Everyone may read their own; reading everyone's
// (`scope=all`) or another user's (`userId=`) needs `analytics:read:all`.
import { hasPermission, type Identity, problems } from '@elwosa/runtime';

export const READ_OWN = 'analytics:read:own';
export const READ_ALL = 'analytics:read:all';

export type Scope = { kind: 'user'; userId: string } | { kind: 'all' };

export interface ScopeQuery {
  scope?: 'own' | 'all' | undefined;
  userId?: string | undefined;
}

export function resolveScope(caller: Pick<Identity, 'userId' | 'permissions'>, query: ScopeQuery): Scope {
  const canReadAll = hasPermission(caller.permissions, READ_ALL);
  if (query.userId !== undefined && query.scope !== undefined)
    throw problems.badRequest('give either scope or userId, not both');
  if (query.scope === 'all') {
    if (!canReadAll) throw problems.forbidden(`scope=all needs the permission ${READ_ALL}`);
    return { kind: 'all' };
  }
  if (query.userId !== undefined && query.userId !== caller.userId) {
    if (!canReadAll) throw problems.forbidden(`another user's analytics need the permission ${READ_ALL}`);
    return { kind: 'user', userId: query.userId };
  }
  return { kind: 'user', userId: caller.userId };
}

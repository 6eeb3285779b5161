// Administration: list users, change roles, disable and enable users. Role changes and
// disabling end the user's sessions, so they take effect on the next request.
import { type Identity, problems, type Role } from '@elwosa/runtime';
import { appendAudit } from '../store/audit-log.js';
import { toUserDto } from '../store/db.js';
import { forgetCachedApiKeys } from './api-keys.js';
import type { AuthContext, ClientInfo } from './context.js';
import { revokeSessions } from './sessions.js';

export async function listUsers(ctx: AuthContext, cursor: string | undefined, limit: number) {
  const rows = await ctx.db.user.findMany({
    where: cursor ? { id: { gt: cursor } } : {},
    orderBy: { id: 'asc' },
    take: limit + 1,
  });
  const items = rows.slice(0, limit);
  return { items: items.map(toUserDto), nextCursor: rows.length > limit ? (items.at(-1)?.id ?? null) : null };
}

async function findUser(ctx: AuthContext, id: string) {
  const user = await ctx.db.user.findUnique({ where: { id } });
  if (!user) throw problems.notFound('no such user');
  return user;
}

export async function setRoles(
  ctx: AuthContext,
  actor: Identity,
  userId: string,
  roles: Role[],
  client: ClientInfo,
) {
  const user = await findUser(ctx, userId);
  const next = [...new Set<string>(roles.includes('user') ? roles : [...roles, 'user'])].sort();
  if (user.roles.includes('admin') && !next.includes('admin')) {
    const admins = await ctx.db.user.count({ where: { roles: { has: 'admin' }, disabledAt: null } });
    if (admins <= 1) throw problems.conflict('the last admin cannot lose the admin role');
  }
  const updated = await ctx.db.user.update({ where: { id: userId }, data: { roles: next } });
  await revokeSessions(ctx, userId, 'roles-changed');
  await forgetCachedApiKeys(ctx, userId);
  await appendAudit(ctx.db, client, {
    event: 'role.changed',
    outcome: 'success',
    userId,
    actorId: actor.userId,
    details: { from: user.roles, to: next },
  });
  return toUserDto(updated);
}

export async function setDisabled(
  ctx: AuthContext,
  actor: Identity,
  userId: string,
  disabled: boolean,
  client: ClientInfo,
) {
  if (disabled && userId === actor.userId) throw problems.conflict('you cannot disable yourself');
  await findUser(ctx, userId);
  const updated = await ctx.db.user.update({
    where: { id: userId },
    data: { disabledAt: disabled ? new Date() : null },
  });
  if (disabled) {
    await revokeSessions(ctx, userId, 'user-disabled');
    await forgetCachedApiKeys(ctx, userId);
  }
  await appendAudit(ctx.db, client, {
    event: disabled ? 'user.disabled' : 'user.enabled',
    outcome: 'success',
    userId,
    actorId: actor.userId,
  });
  return toUserDto(updated);
}

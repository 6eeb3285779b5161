// The signed-in user's own account: read, rename, change password.
import { type Identity, problems } from '@elwosa/runtime';
import { appendAudit } from '../store/audit-log.js';
import { toUserDto } from '../store/db.js';
import type { AuthContext, ClientInfo } from './context.js';
import { requirePassword } from './reauthentication.js';
import { revokeSessions } from './sessions.js';

export async function getMe(ctx: AuthContext, identity: Identity) {
  const user = await ctx.db.user.findUnique({ where: { id: identity.userId } });
  if (!user) throw problems.unauthorized();
  return toUserDto(user);
}

export async function renameMe(ctx: AuthContext, identity: Identity, name: string, client: ClientInfo) {
  const user = await ctx.db.user.update({ where: { id: identity.userId }, data: { name } });
  await appendAudit(ctx.db, client, {
    event: 'profile.updated',
    outcome: 'success',
    userId: user.id,
    details: { fields: ['name'] },
  });
  return toUserDto(user);
}

export async function changePassword(
  ctx: AuthContext,
  identity: Identity,
  input: { currentPassword: string; newPassword: string },
  client: ClientInfo,
): Promise<void> {
  await requirePassword(ctx, identity, input.currentPassword);
  const passwordHash = await ctx.hasher.hash(input.newPassword);
  await ctx.db.user.update({
    where: { id: identity.userId },
    data: { passwordHash, passwordChangedAt: new Date() },
  });
  const revoked = await revokeSessions(ctx, identity.userId, 'password-changed', {
    keep: identity.sessionId,
  });
  await ctx.events.record(
    client,
    {
      event: 'password.changed',
      outcome: 'success',
      userId: identity.userId,
      details: { sessionsRevoked: revoked.length },
    },
    { type: 'password.changed', userId: identity.userId, data: { ip: client.ip } },
  );
}

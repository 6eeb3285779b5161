// The signed-in user's own account: read, rename, change password.
import { type Identity, problems } from '@elwosa/runtime';
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
  const user = await ctx.audit.commit(
    client,
    (tx) => tx.user.update({ where: { id: identity.userId }, data: { name } }),
    (renamed) => ({
      audit: {
        event: 'profile.updated',
        outcome: 'success',
        userId: renamed.id,
        details: { fields: ['name'] },
      },
    }),
  );
  return toUserDto(user);
}

/**
 * The new password, the end of every other session, the audit entry and the user's alert commit
 * together: a password change never leaves the old sessions live.
 */
export async function changePassword(
  ctx: AuthContext,
  identity: Identity,
  input: { currentPassword: string; newPassword: string },
  client: ClientInfo,
): Promise<void> {
  await requirePassword(ctx, identity, input.currentPassword);
  const passwordHash = await ctx.hasher.hash(input.newPassword);
  await revokeSessions(ctx, client, {
    userId: identity.userId,
    reason: 'password-changed',
    filter: { keep: identity.sessionId },
    before: (tx) =>
      tx.user.update({
        where: { id: identity.userId },
        data: { passwordHash, passwordChangedAt: new Date() },
      }),
    describe: (revoked) => ({
      audit: {
        event: 'password.changed',
        outcome: 'success',
        userId: identity.userId,
        details: { sessionsRevoked: revoked.length },
      },
      event: { type: 'password.changed', userId: identity.userId, data: { ip: client.ip } },
    }),
  });
}

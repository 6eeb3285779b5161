// Re-entering the password for sensitive changes (password change, MFA off), with its own
// lockout so these endpoints cannot be used to guess passwords.
import { type Identity, problems } from '@elwosa/runtime';
import type { User } from '../generated/prisma/client.js';
import type { AuthContext } from './context.js';

export async function requirePassword(ctx: AuthContext, identity: Identity, password: string): Promise<User> {
  const subject = `reauth:${identity.userId}`;
  const lockedMs = await ctx.lockouts.lockedFor(subject);
  if (lockedMs > 0)
    throw problems.tooManyRequests(lockedMs / 1000, 'too many failed attempts; try again later');
  const user = await ctx.db.user.findUnique({ where: { id: identity.userId } });
  if (!user) throw problems.unauthorized();
  if (!(await ctx.hasher.verify(user.passwordHash, password))) {
    await ctx.lockouts.recordFailure(subject, ctx.settings.lockouts.accountIp);
    throw problems.forbidden('the password is not correct');
  }
  await ctx.lockouts.reset(subject);
  return user;
}

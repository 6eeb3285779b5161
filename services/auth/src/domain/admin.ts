// Administration: list users, change roles, disable and enable users. Role changes and
// disabling end the user's sessions in the same transaction, so they take effect on the next
// request; the platform never loses its last active admin.
import { type Identity, problems, type Role } from '@elwosa/runtime';
import { markUserApiKeysStale } from '../store/api-key-cache-marks.js';
import { type Tx, toUserDto } from '../store/db.js';
import { settleApiKeyCache } from './api-key-cache.js';
import type { AuditRecord } from './audited-changes.js';
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

async function findUser(ctx: AdminContext, id: string) {
  const user = await ctx.db.user.findUnique({ where: { id } });
  if (!user) throw problems.notFound('no such user');
  return user;
}

/** What the admin changes need of the service. */
export type AdminContext = Pick<AuthContext, 'audit' | 'cache' | 'db' | 'liveness' | 'logger'>;

/** Serialises changes that could leave the platform without an active admin. */
async function lockAdmins(tx: Tx): Promise<void> {
  await tx.$queryRaw`SELECT 1 FROM pg_advisory_xact_lock(hashtext('elwosa.auth.admins'))`;
}

/** Active admins other than `userId`, counted under the admins lock. */
function otherActiveAdmins(tx: Tx, userId: string): Promise<number> {
  return tx.user.count({ where: { roles: { has: 'admin' }, disabledAt: null, NOT: { id: userId } } });
}

/**
 * Commits `change` (a change to the user's roles or standing) with the end of the user's sessions,
 * the stale marks of the user's API keys and the audit entry; after the commit the sessions'
 * tombstones and the keys' cache entries are written (revocations.ts, api-key-cache.ts).
 */
async function endUserCredentials<Changed>(
  ctx: AdminContext,
  client: ClientInfo,
  revocation: {
    userId: string;
    reason: string;
    change: (tx: Tx) => Promise<Changed>;
    describe: () => AuditRecord;
  },
): Promise<Changed> {
  const { userId } = revocation;
  const now = new Date();
  const { changed } = await revokeSessions(ctx, client, {
    userId,
    reason: revocation.reason,
    before: async (tx) => ({
      result: await revocation.change(tx),
      keys: await markUserApiKeysStale(tx, userId, now),
    }),
    describe: revocation.describe,
    afterCommit: ({ keys }) => settleApiKeyCache(ctx, keys, now),
  });
  return changed.result;
}

/**
 * The new roles, the end of the user's sessions (their tokens carry the old roles), the stale
 * marks of the user's API keys (their cached resolutions carry roles too) and the audit entry
 * commit together; the keys' cache entries are rewritten after the commit (api-key-cache.ts).
 */
export async function setRoles(
  ctx: AdminContext,
  actor: Identity,
  userId: string,
  roles: Role[],
  client: ClientInfo,
) {
  const user = await findUser(ctx, userId);
  const next = [...new Set<string>(roles.includes('user') ? roles : [...roles, 'user'])].sort();
  const changed = await endUserCredentials(ctx, client, {
    userId,
    reason: 'roles-changed',
    change: async (tx) => {
      if (user.roles.includes('admin') && !next.includes('admin')) {
        await lockAdmins(tx);
        if ((await otherActiveAdmins(tx, userId)) === 0)
          throw problems.conflict('the last admin cannot lose the admin role');
      }
      return tx.user.update({ where: { id: userId }, data: { roles: next } });
    },
    describe: () => ({
      audit: {
        event: 'role.changed',
        outcome: 'success',
        userId,
        actorId: actor.userId,
        details: { from: user.roles, to: next },
      },
    }),
  });
  return toUserDto(changed);
}

/**
 * Disabling ends the user's sessions and marks their API keys' cache entries stale in the same
 * transaction; the last active admin stays.
 */
export async function setDisabled(
  ctx: AdminContext,
  actor: Identity,
  userId: string,
  disabled: boolean,
  client: ClientInfo,
) {
  if (disabled && userId === actor.userId) throw problems.conflict('you cannot disable yourself');
  const user = await findUser(ctx, userId);
  const change = async (tx: Tx) => {
    if (disabled && user.roles.includes('admin')) {
      await lockAdmins(tx);
      if ((await otherActiveAdmins(tx, userId)) === 0)
        throw problems.conflict('the last active admin cannot be disabled');
    }
    return tx.user.update({ where: { id: userId }, data: { disabledAt: disabled ? new Date() : null } });
  };
  const record = (): AuditRecord => ({
    audit: {
      event: disabled ? 'user.disabled' : 'user.enabled',
      outcome: 'success',
      userId,
      actorId: actor.userId,
    },
  });
  // Enabling revokes nothing and leaves no cached key wrong: a disabled user has no live session,
  // and the lookup of a disabled user's key caches nothing.
  if (!disabled) return toUserDto(await ctx.audit.commit(client, change, record));
  return toUserDto(
    await endUserCredentials(ctx, client, { userId, reason: 'user-disabled', change, describe: record }),
  );
}

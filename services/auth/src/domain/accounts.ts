// Registration and sign-in (password step, MFA code step). Answers never reveal whether an
// email is registered: same status, body and cost for unknown emails and wrong passwords.
import { problems } from '@elwosa/runtime';
import { acceptedTotpStep, hashBackupCode, looksLikeBackupCode } from '../crypto/totp.js';
import type { User } from '../generated/prisma/client.js';
import { appendAudit } from '../store/audit-log.js';
import { accountIpSubject, ipSubject, mfaSubject } from './brute-force.js';
import type { AuthContext, ClientInfo } from './context.js';
import { startSession, type TokenPair } from './sessions.js';

export const REGISTER_MESSAGE =
  'If this email was not registered yet, the account now exists. Sign in to continue.';
const INVALID_CREDENTIALS = 'invalid email or password';

export async function register(
  ctx: AuthContext,
  input: { email: string; password: string; name: string },
  client: ClientInfo,
): Promise<void> {
  // Hash before looking the email up, so both outcomes cost the same.
  const passwordHash = await ctx.hasher.hash(input.password);
  // The account and its audit entry commit together.
  await ctx.audit.commit(
    client,
    async (tx) => {
      await tx.$queryRaw`SELECT 1 FROM pg_advisory_xact_lock(hashtext('elwosa.auth.register'))`;
      if (await tx.user.findUnique({ where: { email: input.email }, select: { id: true } })) return undefined;
      const isFirst = (await tx.user.count()) === 0;
      const isAdmin =
        isFirst ||
        (ctx.settings.adminEmail !== undefined && ctx.settings.adminEmail.toLowerCase() === input.email);
      return tx.user.create({
        data: {
          email: input.email,
          name: input.name,
          passwordHash,
          roles: isAdmin ? ['admin', 'user'] : ['user'],
        },
      });
    },
    (created) =>
      created && {
        audit: {
          event: 'user.registered',
          outcome: 'success',
          userId: created.id,
          email: created.email,
          details: { roles: created.roles },
        },
      },
  );
}

async function throwIfLocked(ctx: AuthContext, subjects: string[]): Promise<void> {
  for (const subject of subjects) {
    const ms = await ctx.lockouts.lockedFor(subject);
    if (ms > 0) throw problems.tooManyRequests(ms / 1000, 'too many failed attempts; try again later');
  }
}

export type LoginResult = TokenPair | { mfaRequired: true; challengeToken: string };

export async function login(
  ctx: AuthContext,
  input: { email: string; password: string },
  client: ClientInfo,
): Promise<LoginResult> {
  const subjects = [accountIpSubject(input.email, client.ip), ipSubject(client.ip)];
  await throwIfLocked(ctx, subjects);
  const user = await ctx.db.user.findUnique({ where: { email: input.email } });
  const ok = await ctx.hasher.verify(user?.passwordHash, input.password);
  if (!ok || !user || user.disabledAt) {
    const locked = Math.max(
      await ctx.lockouts.recordFailure(subjects[0]!, ctx.settings.lockouts.accountIp),
      await ctx.lockouts.recordFailure(subjects[1]!, ctx.settings.lockouts.ip),
    );
    await appendAudit(ctx.db, client, {
      event: locked > 0 ? 'login.locked' : 'login.failed',
      outcome: 'failure',
      userId: user?.id ?? null,
      email: input.email,
      details: { reason: user?.disabledAt ? 'disabled' : 'credentials' },
    });
    throw problems.unauthorized(INVALID_CREDENTIALS);
  }
  await ctx.lockouts.reset(subjects[0]!);
  if (ctx.hasher.needsRehash(user.passwordHash)) {
    const passwordHash = await ctx.hasher.hash(input.password);
    await ctx.db.user.update({ where: { id: user.id }, data: { passwordHash } });
  }
  if (user.totpEnabledAt && user.totpSecret) {
    const { token } = await ctx.minter.challengeToken(user.id);
    return { mfaRequired: true, challengeToken: token };
  }
  return startSession(ctx, user, client, false);
}

/** Checks a TOTP code (refusing a replayed step) or consumes a backup code. */
export async function verifySecondFactor(ctx: AuthContext, user: User, code: string): Promise<boolean> {
  if (looksLikeBackupCode(code)) {
    const used = await ctx.db.backupCode.updateMany({
      where: { userId: user.id, codeHash: hashBackupCode(code), usedAt: null },
      data: { usedAt: new Date() },
    });
    return used.count === 1;
  }
  const secret = user.totpSecret;
  if (!secret) return false;
  const step = acceptedTotpStep(secret, code);
  if (step === undefined) return false;
  const accepted = await ctx.db.user.updateMany({
    where: { id: user.id, OR: [{ totpLastStep: null }, { totpLastStep: { lt: BigInt(step) } }] },
    data: { totpLastStep: BigInt(step) },
  });
  return accepted.count === 1;
}

export async function loginWithSecondFactor(
  ctx: AuthContext,
  input: { challengeToken: string; code: string },
  client: ClientInfo,
): Promise<TokenPair> {
  const challenge = await ctx.minter.verifyChallenge(input.challengeToken);
  if (!challenge) throw problems.unauthorized('invalid or expired challenge');
  const subject = mfaSubject(challenge.userId);
  await throwIfLocked(ctx, [subject]);
  const user = await ctx.db.user.findUnique({ where: { id: challenge.userId } });
  if (!user || user.disabledAt || !user.totpEnabledAt)
    throw problems.unauthorized('invalid or expired challenge');
  if (!(await verifySecondFactor(ctx, user, input.code))) {
    const locked = await ctx.lockouts.recordFailure(subject, ctx.settings.lockouts.mfa);
    await appendAudit(ctx.db, client, {
      event: 'mfa.challenge.failed',
      outcome: 'failure',
      userId: user.id,
      details: { locked: locked > 0 },
    });
    throw problems.unauthorized('invalid code');
  }
  // A challenge opens one session only.
  if (!(await ctx.cache.setIfAbsent(`auth:mfa-challenge:${challenge.jti}`, '1', 10 * 60_000))) {
    throw problems.unauthorized('invalid or expired challenge');
  }
  await ctx.lockouts.reset(subject);
  return startSession(ctx, user, client, true);
}

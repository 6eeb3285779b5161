// TOTP enrolment (pending secret → confirmed with a code → 10 backup codes) and disabling.
import { type Identity, problems } from '@elwosa/runtime';
import {
  acceptedTotpStep,
  enrolmentDetails,
  hashBackupCode,
  newBackupCodes,
  newTotpSecret,
} from '../crypto/totp.js';
import type { AuthContext, ClientInfo } from './context.js';
import { requirePassword } from './reauthentication.js';

export async function beginEnrolment(ctx: AuthContext, identity: Identity) {
  const user = await ctx.db.user.findUnique({ where: { id: identity.userId } });
  if (!user) throw problems.unauthorized();
  if (user.totpEnabledAt) throw problems.conflict('MFA is already enabled; disable it first');
  const secret = newTotpSecret();
  await ctx.db.user.update({ where: { id: user.id }, data: { totpPendingSecret: secret } });
  return enrolmentDetails(secret, user.email);
}

export async function confirmEnrolment(
  ctx: AuthContext,
  identity: Identity,
  code: string,
  client: ClientInfo,
) {
  const user = await ctx.db.user.findUnique({ where: { id: identity.userId } });
  if (!user) throw problems.unauthorized();
  if (user.totpEnabledAt) throw problems.conflict('MFA is already enabled');
  if (!user.totpPendingSecret) throw problems.conflict('start enrolment first');
  const step = acceptedTotpStep(user.totpPendingSecret, code);
  if (step === undefined) throw problems.badRequest('the code is not correct');
  const backupCodes = newBackupCodes();
  // The change, its audit entry and its security event commit together.
  const secret = user.totpPendingSecret;
  await ctx.audit.commit(
    client,
    async (tx) => {
      await tx.user.update({
        where: { id: user.id },
        data: {
          totpSecret: secret,
          totpPendingSecret: null,
          totpEnabledAt: new Date(),
          totpLastStep: BigInt(step),
        },
      });
      await tx.backupCode.deleteMany({ where: { userId: user.id } });
      await tx.backupCode.createMany({
        data: backupCodes.map((c) => ({ userId: user.id, codeHash: hashBackupCode(c) })),
      });
    },
    () => ({
      audit: { event: 'mfa.enabled', outcome: 'success', userId: user.id },
      event: { type: 'mfa.enabled', userId: user.id, data: { ip: client.ip } },
    }),
  );
  return { backupCodes };
}

export async function disableMfa(ctx: AuthContext, identity: Identity, password: string, client: ClientInfo) {
  const user = await requirePassword(ctx, identity, password);
  if (!user.totpEnabledAt) throw problems.conflict('MFA is not enabled');
  await ctx.audit.commit(
    client,
    async (tx) => {
      await tx.user.update({
        where: { id: user.id },
        data: { totpSecret: null, totpPendingSecret: null, totpEnabledAt: null, totpLastStep: null },
      });
      await tx.backupCode.deleteMany({ where: { userId: user.id } });
    },
    () => ({
      audit: { event: 'mfa.disabled', outcome: 'success', userId: user.id },
      event: { type: 'mfa.disabled', userId: user.id, data: { ip: client.ip } },
    }),
  );
}

// Binds the auth API (api.ts) to the use cases.
import {
  API_KEY_LOOKUP_PATH,
  problems,
  type RouteBinder,
  SESSION_LOOKUP_PATH,
  USER_LOOKUP_PATH,
} from '@elwosa/runtime';
import type { Request, Router } from 'express';
import { z } from 'zod';
import { authRoutes } from '../api.js';
import type { SigningKey } from '../crypto/signing-keys.js';
import { login, loginWithSecondFactor, REGISTER_MESSAGE, register } from '../domain/accounts.js';
import { listUsers, setDisabled, setRoles } from '../domain/admin.js';
import { createApiKey, listApiKeys, resolveApiKey, revokeApiKey } from '../domain/api-keys.js';
import type { AuthContext, ClientInfo } from '../domain/context.js';
import { beginEnrolment, confirmEnrolment, disableMfa } from '../domain/mfa.js';
import { changePassword, getMe, renameMe } from '../domain/profile.js';
import { listSessions, lookupActiveSession, refreshSession, revokeSessions } from '../domain/sessions.js';
import { auditPage } from '../store/audit-log.js';

export function clientInfo(req: Request): ClientInfo {
  return { ip: req.ip ?? '', userAgent: String(req.headers['user-agent'] ?? ''), requestId: req.id };
}

const noStore = { 'Cache-Control': 'no-store' };

export function bindAuthRoutes(router: Router, binder: RouteBinder, ctx: AuthContext, key: SigningKey): void {
  const r = authRoutes;
  binder.bind(router, r.register, async ({ body, req }) => {
    await register(ctx, body, clientInfo(req));
    return { status: 202, body: { message: REGISTER_MESSAGE } };
  });
  binder.bind(router, r.login, async ({ body, req }) => ({
    body: await login(ctx, body, clientInfo(req)),
    headers: noStore,
  }));
  binder.bind(router, r.loginMfa, async ({ body, req }) => ({
    body: await loginWithSecondFactor(ctx, body, clientInfo(req)),
    headers: noStore,
  }));
  binder.bind(router, r.refresh, async ({ body, req }) => ({
    body: await refreshSession(ctx, body.refreshToken, clientInfo(req)),
    headers: noStore,
  }));
  binder.bind(router, r.logout, async ({ query, identity, req }) => {
    const global = query.scope === 'global';
    await revokeSessions(ctx, clientInfo(req), {
      userId: identity.userId,
      reason: global ? 'logout-global' : 'logout',
      filter: global ? {} : { only: identity.sessionId },
      describe: () => ({
        audit: {
          event: 'logout',
          outcome: 'success',
          userId: identity.userId,
          details: { scope: query.scope },
        },
      }),
    });
    return { status: 204 };
  });
  binder.bind(router, r.me, async ({ identity }) => ({ body: await getMe(ctx, identity) }));
  binder.bind(router, r.updateMe, async ({ identity, body, req }) => ({
    body: await renameMe(ctx, identity, body.name, clientInfo(req)),
  }));
  binder.bind(router, r.changePassword, async ({ identity, body, req }) => {
    await changePassword(ctx, identity, body, clientInfo(req));
    return { status: 204 };
  });
  binder.bind(router, r.listSessions, async ({ identity }) => ({
    body: { items: await listSessions(ctx, identity.userId, identity.sessionId) },
  }));
  binder.bind(router, r.revokeSession, async ({ identity, params, req }) => {
    await revokeSessions(ctx, clientInfo(req), {
      userId: identity.userId,
      reason: 'revoked-by-user',
      filter: { only: params.id },
      describe: (revoked) => {
        // Not the user's, or not live: nothing is written.
        if (revoked.length === 0) throw problems.notFound('no such session');
        return {
          audit: {
            event: 'session.revoked',
            outcome: 'success',
            userId: identity.userId,
            details: { sessionId: params.id },
          },
        };
      },
    });
    return { status: 204 };
  });
  binder.bind(router, r.mfaEnrol, async ({ identity }) => ({
    body: await beginEnrolment(ctx, identity),
    headers: noStore,
  }));
  binder.bind(router, r.mfaConfirm, async ({ identity, body, req }) => ({
    body: await confirmEnrolment(ctx, identity, body.code, clientInfo(req)),
    headers: noStore,
  }));
  binder.bind(router, r.mfaDisable, async ({ identity, body, req }) => {
    await disableMfa(ctx, identity, body.password, clientInfo(req));
    return { status: 204 };
  });
  binder.bind(router, r.createApiKey, async ({ identity, body, req }) => ({
    status: 201,
    body: await createApiKey(ctx, identity, body, clientInfo(req)),
    headers: noStore,
  }));
  binder.bind(router, r.listApiKeys, async ({ identity }) => ({
    body: { items: await listApiKeys(ctx, identity) },
  }));
  binder.bind(router, r.revokeApiKey, async ({ identity, params, req }) => {
    await revokeApiKey(ctx, identity, params.id, clientInfo(req));
    return { status: 204 };
  });
  binder.bind(router, r.listUsers, async ({ query }) => ({
    body: await listUsers(ctx, query.cursor, query.limit),
  }));
  binder.bind(router, r.setRoles, async ({ identity, params, body, req }) => ({
    body: await setRoles(ctx, identity, params.id, body.roles, clientInfo(req)),
  }));
  binder.bind(router, r.disableUser, async ({ identity, params, req }) => ({
    body: await setDisabled(ctx, identity, params.id, true, clientInfo(req)),
  }));
  binder.bind(router, r.enableUser, async ({ identity, params, req }) => ({
    body: await setDisabled(ctx, identity, params.id, false, clientInfo(req)),
  }));
  binder.bind(router, r.audit, async ({ query }) => ({
    body: await auditPage(ctx.db, query.cursor, query.limit),
  }));
  binder.bind(router, r.jwks, () => ({
    body: { keys: [key.publicJwk] },
    headers: { 'Cache-Control': 'public, max-age=300' },
  }));

  // Internal: the live-session lookup behind every token verifier (never routed by the gateway).
  const sessionIdSchema = z.uuid();
  router.get(`${SESSION_LOOKUP_PATH}/:sid`, async (req, res) => {
    const sid = sessionIdSchema.safeParse(req.params.sid);
    const userId = sid.success ? await lookupActiveSession(ctx, sid.data) : undefined;
    if (!userId) throw problems.notFound('no active session');
    res.json({ userId });
  });

  // Internal: the API-key lookup behind every verifier (by SHA-256 hash of the key).
  router.get(`${API_KEY_LOOKUP_PATH}/:hash`, async (req, res) => {
    const hash = z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .safeParse(req.params.hash);
    const resolved = hash.success ? await resolveApiKey(ctx, hash.data) : undefined;
    if (!resolved) throw problems.notFound('no such API key');
    res.json(resolved);
  });

  // Internal: contact details for other services (e.g. notifications emailing a user).
  router.get(`${USER_LOOKUP_PATH}/:id`, async (req, res) => {
    const id = z.uuid().safeParse(req.params.id);
    const user = id.success ? await ctx.db.user.findUnique({ where: { id: id.data } }) : null;
    if (!user) throw problems.notFound('no such user');
    res.json({ id: user.id, email: user.email, name: user.name, disabled: user.disabledAt !== null });
  });
}

// Role changes and disabling commit with the end of the user's sessions and the audit entry, and
// the platform never loses its last active admin — not even to two admins demoting each other at
// the same moment. Real PostgreSQL when reachable, embedded PGlite always (the race: real only,
// PGlite serves one connection at a time).
import {
  activeSessionKey,
  createLogger,
  type Identity,
  identityFromClaims,
  MemoryCacheBus,
  MemoryStore,
} from '@elwosa/runtime';
import { afterAll, describe, expect, it } from 'vitest';
import { haveRealPg } from '../../../test-support/backends.ts';
import { databaseKinds, useMigratedClient } from '../../../test-support/migrated-client.ts';
import { type AdminContext, setDisabled, setRoles } from '../src/domain/admin.js';
import { createAuditedChanges } from '../src/domain/audited-changes.js';
import { SessionLiveness } from '../src/domain/session-liveness.js';
import type { PrismaClient } from '../src/generated/prisma/client.js';
import { authDatabase } from '../src/service.js';

const client = { ip: '203.0.113.10', userAgent: 'test', requestId: 'req-admin' };
const logger = createLogger({ level: 'silent' });

describe.each(databaseKinds())('admin changes (%s)', (kind) => adminChanges(kind));

// PGlite serves one connection at a time, so the race needs the real server.
describe.runIf(haveRealPg())('admin changes racing (real)', () => adminChanges('real', true));

function adminChanges(kind: 'real' | 'embedded', racing = false) {
  let db: PrismaClient;
  const cache = new MemoryCacheBus({ store: new MemoryStore() });
  const liveness = new SessionLiveness(cache);
  const ctx = (): AdminContext => ({
    db,
    cache,
    liveness,
    logger,
    audit: createAuditedChanges({ db, cache, logger }),
  });

  /** A user with one live session (marked active in the cache) and the identity it acts with. */
  async function user(roles: string[], disabled = false): Promise<Identity> {
    const row = await db.user.create({
      data: {
        email: `${crypto.randomUUID()}@example.com`,
        name: 'Admin test',
        passwordHash: 'x',
        roles,
        disabledAt: disabled ? new Date() : null,
      },
    });
    const session = await db.session.create({
      data: { userId: row.id, expiresAt: new Date(Date.now() + 3600_000) },
    });
    await liveness.markActive(session.id, row.id, session.expiresAt);
    return identityFromClaims({ sub: row.id, sid: session.id, roles });
  }
  const roles = async (id: string) => (await db.user.findUniqueOrThrow({ where: { id } })).roles;
  const audited = async (userId: string) =>
    (await db.auditEvent.findMany({ where: { userId } })).map((a) => a.event);
  /** Leaves exactly the given users as the active admins. */
  async function onlyAdmins(...ids: string[]) {
    await db.user.updateMany({
      where: { roles: { has: 'admin' }, id: { notIn: ids } },
      data: { disabledAt: new Date() },
    });
  }

  useMigratedClient(kind, authDatabase, (c) => {
    db = c;
  });
  afterAll(async () => {
    await cache.close();
  });

  if (racing) {
    it('two admins demoting each other at once leave one admin', async () => {
      for (let round = 0; round < 5; round++) {
        const a = await user(['admin', 'user']);
        const b = await user(['admin', 'user']);
        await onlyAdmins(a.userId, b.userId);
        const outcomes = await Promise.allSettled([
          setRoles(ctx(), a, b.userId, ['user'], client),
          setRoles(ctx(), b, a.userId, ['user'], client),
        ]);
        expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
        const admins = await db.user.count({ where: { roles: { has: 'admin' }, disabledAt: null } });
        expect(admins).toBe(1);
      }
    });
    return;
  }

  it('a role change ends the user’s sessions and is audited, all in one commit', async () => {
    const admin = await user(['admin', 'user']);
    const target = await user(['user']);
    const dto = await setRoles(ctx(), admin, target.userId, ['moderator'], client);
    expect(dto.roles).toEqual(['moderator', 'user']);
    expect(await cache.get(activeSessionKey(target.sessionId))).toBe('revoked');
    expect(await db.session.findUniqueOrThrow({ where: { id: target.sessionId } })).toMatchObject({
      revokedReason: 'roles-changed',
      revocationCachedAt: expect.any(Date),
    });
    expect(await audited(target.userId)).toEqual(['role.changed']);
  });

  it('the last active admin keeps the role: 409, and nothing is written', async () => {
    const admin = await user(['admin', 'user']);
    await onlyAdmins(admin.userId);
    await expect(setRoles(ctx(), admin, admin.userId, ['user'], client)).rejects.toMatchObject({
      status: 409,
    });
    expect(await roles(admin.userId)).toEqual(['admin', 'user']);
    expect(await cache.get(activeSessionKey(admin.sessionId))).toBe(admin.userId);
    expect(await audited(admin.userId)).toEqual([]);
  });

  it('an admin disabled meanwhile cannot disable the last active admin', async () => {
    // The actor's own account was disabled by a request that committed first.
    const actor = await user(['admin', 'user'], true);
    const last = await user(['admin', 'user']);
    await onlyAdmins(last.userId);
    await expect(setDisabled(ctx(), actor, last.userId, true, client)).rejects.toMatchObject({ status: 409 });
    expect((await db.user.findUniqueOrThrow({ where: { id: last.userId } })).disabledAt).toBeNull();
    expect(await cache.get(activeSessionKey(last.sessionId))).toBe(last.userId);
  });

  it('disabling ends the sessions with the audit entry; enabling revokes nothing', async () => {
    const admin = await user(['admin', 'user']);
    const target = await user(['user']);
    expect((await setDisabled(ctx(), admin, target.userId, true, client)).disabled).toBe(true);
    expect(await cache.get(activeSessionKey(target.sessionId))).toBe('revoked');
    expect((await setDisabled(ctx(), admin, target.userId, false, client)).disabled).toBe(false);
    expect(await audited(target.userId)).toEqual(['user.disabled', 'user.enabled']);
  });
}

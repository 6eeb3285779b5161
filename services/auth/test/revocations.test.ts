// Session revocations commit with the change that causes them and its audit entry; their
// tombstones reach the shared cache after the commit, and a tombstone that never got there (the
// cache failed, or the process died after the commit) is written by the repair. Real PostgreSQL
// when reachable, embedded PGlite always; the migration's backfill on the real one.
import {
  activeSessionKey,
  type CacheBus,
  CacheUnavailableError,
  createLogger,
  MemoryCacheBus,
  MemoryStore,
} from '@elwosa/runtime';
import { afterAll, describe, expect, it } from 'vitest';
import { haveRealPg } from '../../../test-support/backends.ts';
import { overrideCache } from '../../../test-support/cache-overrides.ts';
import { databaseKinds, useMigratedClient } from '../../../test-support/migrated-client.ts';
import { checkUpgrade } from '../../../test-support/upgrade-check.ts';
import { createAuditedChanges } from '../src/domain/audited-changes.js';
import { tombstoneUncachedRevocations } from '../src/domain/revocations.js';
import { SessionLiveness } from '../src/domain/session-liveness.js';
import { revokeSessions } from '../src/domain/sessions.js';
import type { PrismaClient } from '../src/generated/prisma/client.js';
import { authDatabase } from '../src/service.js';
import { revokeSessionRows } from '../src/store/session-revocations.js';

const client = { ip: '203.0.113.9', userAgent: 'test', requestId: 'req-revocations' };
const logger = createLogger({ level: 'silent' });
const inAnHour = () => new Date(Date.now() + 3600_000);

describe.each(databaseKinds())('session revocations (%s)', (kind) => {
  let db: PrismaClient;
  const inner = new MemoryCacheBus({ store: new MemoryStore() });
  let down = false;
  const unavailable = async () => Promise.reject(new CacheUnavailableError('redis unavailable: test'));
  const cache: CacheBus = overrideCache(inner, () => (down ? { set: unavailable } : {}));
  const liveness = new SessionLiveness(cache);
  const ctx = () => ({ db, liveness, logger, audit: createAuditedChanges({ db, cache, logger }) });
  const repair = () => tombstoneUncachedRevocations({ db, liveness });
  const cached = (sessionId: string) => inner.get(activeSessionKey(sessionId));

  /** A user with `count` live sessions, each marked active in the cache. */
  async function userWithSessions(count: number): Promise<{ userId: string; sessionIds: string[] }> {
    const user = await db.user.create({
      data: { email: `${crypto.randomUUID()}@example.com`, name: 'Revoked', passwordHash: 'x' },
    });
    const sessionIds: string[] = [];
    for (let i = 0; i < count; i++) {
      const session = await db.session.create({ data: { userId: user.id, expiresAt: inAnHour() } });
      await liveness.markActive(session.id, user.id, session.expiresAt);
      sessionIds.push(session.id);
    }
    return { userId: user.id, sessionIds };
  }
  const logout = (userId: string, only?: string) =>
    revokeSessions(ctx(), client, {
      userId,
      reason: 'logout',
      ...(only ? { filter: { only } } : {}),
      describe: () => ({ audit: { event: 'logout', outcome: 'success', userId } }),
    });
  const session = (id: string) => db.session.findUniqueOrThrow({ where: { id } });
  const auditEvents = async (userId: string) =>
    (await db.auditEvent.findMany({ where: { userId } })).map((a) => a.event);

  useMigratedClient(kind, authDatabase, (c) => {
    db = c;
  });
  afterAll(async () => {
    await inner.close();
  });

  it('revokes with its audit entry, writes the tombstones and records them', async () => {
    const { userId, sessionIds } = await userWithSessions(2);
    expect((await logout(userId)).revoked).toHaveLength(2);
    for (const id of sessionIds) {
      expect(await cached(id)).toBe('revoked');
      expect(await session(id)).toMatchObject({
        revokedReason: 'logout',
        revocationCachedAt: expect.any(Date),
      });
    }
    expect(await auditEvents(userId)).toEqual(['logout']);
    expect(await repair()).toBe(0);
  });

  it('a tombstone the cache refused is written by the repair once the cache is back', async () => {
    const { userId, sessionIds } = await userWithSessions(1);
    const [id] = sessionIds as [string];
    down = true;
    try {
      await expect(logout(userId, id)).rejects.toThrow(CacheUnavailableError);
      // Committed in the database, but every verifier still reads the session as live.
      expect(await session(id)).toMatchObject({ revokedAt: expect.any(Date), revocationCachedAt: null });
      expect(await auditEvents(userId)).toEqual(['logout']);
      expect(await cached(id)).toBe(userId);
      await expect(repair()).rejects.toThrow(CacheUnavailableError);
      expect(await session(id)).toMatchObject({ revocationCachedAt: null });
    } finally {
      down = false;
    }
    expect(await repair()).toBe(1);
    expect(await cached(id)).toBe('revoked');
    expect(await session(id)).toMatchObject({ revocationCachedAt: expect.any(Date) });
    expect(await repair()).toBe(0);
  });

  it('a revocation left by a process that died after the commit is tombstoned by the repair', async () => {
    const { userId, sessionIds } = await userWithSessions(3);
    await db.$transaction((tx) => revokeSessionRows(tx, userId, 'password-changed', {}, new Date()));
    for (const id of sessionIds) expect(await cached(id)).toBe(userId);
    expect(await repair()).toBe(3);
    for (const id of sessionIds) expect(await cached(id)).toBe('revoked');
  });

  it('repairs in batches until nothing is left', async () => {
    const { userId, sessionIds } = await userWithSessions(5);
    await db.$transaction((tx) => revokeSessionRows(tx, userId, 'logout-global', {}, new Date()));
    expect(await tombstoneUncachedRevocations({ db, liveness }, () => false, 2)).toBe(5);
    for (const id of sessionIds) expect(await cached(id)).toBe('revoked');
  });

  it('a change that fails revokes nothing and audits nothing', async () => {
    const { userId, sessionIds } = await userWithSessions(1);
    await expect(
      revokeSessions(ctx(), client, {
        userId,
        reason: 'password-changed',
        before: async (tx) => {
          await tx.user.update({ where: { id: userId }, data: { name: 'changed' } });
          throw new Error('the change failed');
        },
        describe: () => ({ audit: { event: 'password.changed', outcome: 'success', userId } }),
      }),
    ).rejects.toThrow('the change failed');
    expect(await session(sessionIds[0]!)).toMatchObject({ revokedAt: null });
    expect((await db.user.findUniqueOrThrow({ where: { id: userId } })).name).toBe('Revoked');
    expect(await auditEvents(userId)).toEqual([]);
    expect(await cached(sessionIds[0]!)).toBe(userId);
  });
});

describe.runIf(haveRealPg())('session revocation migration', () => {
  it('counts revocations made before it as tombstoned, so the repair leaves them alone', async () => {
    // What the previous version wrote: one revoked session, one live.
    const previousRows = `
      INSERT INTO auth.users (id, email, name, password_hash, updated_at)
           VALUES ('00000000-0000-4000-a000-00000000a001', 'old@example.com', 'Old', 'x', now());
      INSERT INTO auth.sessions (id, user_id, expires_at, revoked_at)
           VALUES ('00000000-0000-4000-a000-00000000b001', '00000000-0000-4000-a000-00000000a001', now() + interval '1 hour', now()),
                  ('00000000-0000-4000-a000-00000000b002', '00000000-0000-4000-a000-00000000a001', now() + interval '1 hour', NULL);`;
    await checkUpgrade(authDatabase, 'session_revocation_cached', previousRows, async (db) => {
      const cache = new MemoryCacheBus({ store: new MemoryStore() });
      try {
        const sessions = await db.session.findMany({ orderBy: { id: 'asc' } });
        expect(sessions.map((s) => s.revocationCachedAt !== null)).toEqual([true, false]);
        expect(await tombstoneUncachedRevocations({ db, liveness: new SessionLiveness(cache) })).toBe(0);
      } finally {
        await cache.close();
      }
    });
  });
});

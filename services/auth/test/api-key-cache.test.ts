// A personal API key's cached resolution (owner and roles) never outlives the change that makes it
// wrong: revoking the key, changing its owner's roles and disabling its owner mark the key in the
// change's transaction; the cache entry is rewritten after the commit, and an entry that never
// was (the cache failed, or the process died after the commit) is rewritten by the repair. A
// lookup that read the key before such a change and refilled the cache after it drops its entry.
// Real PostgreSQL when reachable, embedded PGlite always; the migration on the real one.
import {
  API_KEY_TOMBSTONE,
  apiKeyCacheKey,
  apiKeyHash,
  type CacheBus,
  CacheUnavailableError,
  createLogger,
  identityFromClaims,
  MemoryCacheBus,
  MemoryStore,
} from '@elwosa/runtime';
import { afterAll, describe, expect, it } from 'vitest';
import { haveRealPg } from '../../../test-support/backends.ts';
import { overrideCache } from '../../../test-support/cache-overrides.ts';
import { databaseKinds, useMigratedClient } from '../../../test-support/migrated-client.ts';
import { checkUpgrade } from '../../../test-support/upgrade-check.ts';
import { setDisabled, setRoles } from '../src/domain/admin.js';
import { repairStaleApiKeyCaches } from '../src/domain/api-key-cache.js';
import { createApiKey, resolveApiKey, revokeApiKey } from '../src/domain/api-keys.js';
import { createAuditedChanges } from '../src/domain/audited-changes.js';
import { SessionLiveness } from '../src/domain/session-liveness.js';
import type { PrismaClient } from '../src/generated/prisma/client.js';
import { authDatabase } from '../src/service.js';
import { markUserApiKeysStale, revokeApiKeyRow } from '../src/store/api-key-cache-marks.js';

const client = { ip: '203.0.113.10', userAgent: 'test', requestId: 'req-api-key-cache' };
const logger = createLogger({ level: 'silent' });

describe.each(databaseKinds())('API key cache entries (%s)', (kind) => {
  let db: PrismaClient;
  const inner = new MemoryCacheBus({ store: new MemoryStore() });
  let down = false;
  /** Runs once, just before the next refill of a resolution lands in the cache. */
  let beforeRefill: (() => Promise<void>) | undefined;
  const unavailable = async () => Promise.reject(new CacheUnavailableError('redis unavailable: test'));
  const cache: CacheBus = overrideCache(inner, () => ({
    ...(down ? { set: unavailable, del: unavailable } : {}),
    ...(beforeRefill
      ? {
          setIfAbsent: async (key: string, value: string, ttlMs: number) => {
            const hook = beforeRefill;
            beforeRefill = undefined;
            await hook?.();
            return inner.setIfAbsent(key, value, ttlMs);
          },
        }
      : {}),
  }));
  const ctx = () => ({
    db,
    cache,
    logger,
    liveness: new SessionLiveness(cache),
    audit: createAuditedChanges({ db, cache, logger }),
  });
  const repair = () => repairStaleApiKeyCaches({ db, cache });
  const admin = identityFromClaims({
    sub: crypto.randomUUID(),
    sid: 'admin-session',
    roles: ['admin', 'user'],
  });
  const owner = (userId: string) =>
    identityFromClaims({ sub: userId, sid: 'owner-session', roles: ['user'] });

  /** A user with one API key whose resolution is cached, as after its first use. */
  async function userWithCachedKey(): Promise<{ userId: string; keyId: string; hash: string }> {
    const user = await db.user.create({
      data: { email: `${crypto.randomUUID()}@example.com`, name: 'Key Owner', passwordHash: 'x' },
    });
    const created = await createApiKey(ctx(), owner(user.id), { name: 'ci' }, client);
    const hash = apiKeyHash(created.key);
    expect(await resolveApiKey(ctx(), hash)).toEqual({ keyId: created.id, userId: user.id, roles: ['user'] });
    expect(JSON.parse((await cached(hash)) ?? 'null')).toMatchObject({ roles: ['user'] });
    return { userId: user.id, keyId: created.id, hash };
  }
  const cached = (hash: string) => inner.get(apiKeyCacheKey(hash));
  const key = (id: string) => db.apiKey.findUniqueOrThrow({ where: { id } });

  useMigratedClient(kind, authDatabase, (c) => {
    db = c;
  });
  afterAll(async () => {
    await inner.close();
  });

  it('a revocation writes the tombstone after the commit and clears its mark', async () => {
    const { userId, keyId, hash } = await userWithCachedKey();
    await revokeApiKey(ctx(), owner(userId), keyId, client);
    expect(await cached(hash)).toBe(API_KEY_TOMBSTONE);
    expect(await key(keyId)).toMatchObject({ revokedAt: expect.any(Date), cacheStaleAt: null });
    expect(await repair()).toBe(0);
  });

  it('revoking a key that is not the caller’s, or twice, is 404 and audits nothing', async () => {
    const { userId, keyId } = await userWithCachedKey();
    const stranger = owner(crypto.randomUUID());
    await expect(revokeApiKey(ctx(), stranger, keyId, client)).rejects.toMatchObject({
      status: 404,
    });
    await revokeApiKey(ctx(), owner(userId), keyId, client);
    await expect(revokeApiKey(ctx(), owner(userId), keyId, client)).rejects.toMatchObject({ status: 404 });
    const audits = await db.auditEvent.findMany({ where: { event: 'api_key.revoked', userId } });
    expect(audits).toHaveLength(1);
  });

  it('a tombstone the cache refused is written by the repair once the cache is back', async () => {
    const { userId, keyId, hash } = await userWithCachedKey();
    down = true;
    try {
      await expect(revokeApiKey(ctx(), owner(userId), keyId, client)).rejects.toThrow(CacheUnavailableError);
      // Committed, but every verifier still finds the key's resolution in the cache.
      expect(await key(keyId)).toMatchObject({ revokedAt: expect.any(Date), cacheStaleAt: expect.any(Date) });
      expect(await cached(hash)).not.toBe(API_KEY_TOMBSTONE);
      await expect(repair()).rejects.toThrow(CacheUnavailableError);
      expect(await key(keyId)).toMatchObject({ cacheStaleAt: expect.any(Date) });
    } finally {
      down = false;
    }
    expect(await repair()).toBe(1);
    expect(await cached(hash)).toBe(API_KEY_TOMBSTONE);
    expect(await key(keyId)).toMatchObject({ cacheStaleAt: null });
    expect(await repair()).toBe(0);
  });

  it('a revocation or role change left by a process that died after the commit is repaired', async () => {
    const revoked = await userWithCachedKey();
    const promoted = await userWithCachedKey();
    await db.$transaction(async (tx) => {
      await revokeApiKeyRow(tx, revoked.userId, revoked.keyId, new Date());
      await tx.user.update({ where: { id: promoted.userId }, data: { roles: ['moderator', 'user'] } });
      await markUserApiKeysStale(tx, promoted.userId, new Date());
    });
    expect(await repair()).toBe(2);
    expect(await cached(revoked.hash)).toBe(API_KEY_TOMBSTONE);
    expect(await cached(promoted.hash)).toBeNull();
    expect((await resolveApiKey(ctx(), promoted.hash))?.roles).toEqual(['moderator', 'user']);
  });

  it('a role change drops the cached resolution, so the key acts with the new roles', async () => {
    const { userId, keyId, hash } = await userWithCachedKey();
    await setRoles(ctx(), admin, userId, ['moderator'], client);
    expect(await cached(hash)).toBeNull();
    expect(await key(keyId)).toMatchObject({ cacheStaleAt: null });
    expect((await resolveApiKey(ctx(), hash))?.roles).toEqual(['moderator', 'user']);
  });

  it('disabling the owner with the cache down: the repair drops the resolution once it is back', async () => {
    const { userId, keyId, hash } = await userWithCachedKey();
    down = true;
    try {
      await expect(setDisabled(ctx(), admin, userId, true, client)).rejects.toThrow(CacheUnavailableError);
    } finally {
      down = false;
    }
    expect((await db.user.findUniqueOrThrow({ where: { id: userId } })).disabledAt).not.toBeNull();
    expect(await cached(hash)).not.toBeNull();
    expect(await repair()).toBe(1);
    expect(await cached(hash)).toBeNull();
    expect(await key(keyId)).toMatchObject({ cacheStaleAt: null });
    expect(await resolveApiKey(ctx(), hash)).toBeUndefined();
    expect(await cached(hash)).toBeNull();
  });

  it('a lookup that read the key before a role change and refilled after it drops its entry', async () => {
    const { userId, hash } = await userWithCachedKey();
    await inner.del(apiKeyCacheKey(hash));
    beforeRefill = () => setRoles(ctx(), admin, userId, ['moderator'], client).then(() => undefined);
    // The lookup read the old roles; the change committed and rewrote the entry before the refill.
    expect((await resolveApiKey(ctx(), hash))?.roles).toEqual(['moderator', 'user']);
    expect(await cached(hash)).toBeNull();
    expect((await resolveApiKey(ctx(), hash))?.roles).toEqual(['moderator', 'user']);
    expect(JSON.parse((await cached(hash)) ?? 'null')).toMatchObject({ roles: ['moderator', 'user'] });
  });

  it('a lookup racing the owner being disabled leaves nothing in the cache', async () => {
    const { userId, hash } = await userWithCachedKey();
    await inner.del(apiKeyCacheKey(hash));
    beforeRefill = () => setDisabled(ctx(), admin, userId, true, client).then(() => undefined);
    expect(await resolveApiKey(ctx(), hash)).toBeUndefined();
    expect(await cached(hash)).toBeNull();
  });
});

describe.runIf(haveRealPg())('API key cache migration', () => {
  it('adds the mark unset to the keys the previous version wrote, so the repair leaves them alone', async () => {
    // What the previous version wrote: one revoked key, one live.
    const previousRows = `
      INSERT INTO auth.users (id, email, name, password_hash, updated_at)
           VALUES ('00000000-0000-4000-a000-00000000a001', 'old@example.com', 'Old', 'x', now());
      INSERT INTO auth.api_keys (id, user_id, name, key_hash, prefix, revoked_at)
           VALUES ('00000000-0000-4000-a000-00000000c001', '00000000-0000-4000-a000-00000000a001', 'old', 'hash-1', 'elw_1', now()),
                  ('00000000-0000-4000-a000-00000000c002', '00000000-0000-4000-a000-00000000a001', 'live', 'hash-2', 'elw_2', NULL);`;
    await checkUpgrade(authDatabase, 'api_key_cache_stale', previousRows, async (db) => {
      const cache = new MemoryCacheBus({ store: new MemoryStore() });
      try {
        const keys = await db.apiKey.findMany({ orderBy: { id: 'asc' } });
        expect(keys.map((k) => [k.name, k.cacheStaleAt])).toEqual([
          ['old', null],
          ['live', null],
        ]);
        expect(await repairStaleApiKeyCaches({ db, cache })).toBe(0);
      } finally {
        await cache.close();
      }
    });
  });
});

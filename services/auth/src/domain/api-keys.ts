// Personal API keys: shown once at creation, stored as SHA-256 hashes, revocable, optionally
// expiring, acting with the owner's current roles. Verifiers everywhere resolve them through
// the shared cache (runtime identity/api-key.ts); this module is the source of truth behind it.
import { randomBytes } from 'node:crypto';
import {
  API_KEY_CACHE_TTL_MS,
  API_KEY_PREFIX,
  API_KEY_TOMBSTONE,
  apiKeyCacheKey,
  apiKeyHash,
  type Identity,
  problems,
  type ResolvedApiKey,
} from '@elwosa/runtime';
import type { AuthContext, ClientInfo } from './context.js';

export const MAX_KEYS_PER_USER = 20;
const DISPLAY_PREFIX_LENGTH = 12;
const TOMBSTONE_TTL_MS = 7 * 24 * 3600_000;

function toDto(key: {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
}) {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    createdAt: key.createdAt.toISOString(),
    expiresAt: key.expiresAt?.toISOString() ?? null,
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
  };
}

const activeWhere = (now: Date) => ({
  revokedAt: null,
  OR: [{ expiresAt: null }, { expiresAt: { gt: now } }],
});

export async function createApiKey(
  ctx: AuthContext,
  identity: Identity,
  input: { name: string; expiresInDays?: number | undefined },
  client: ClientInfo,
) {
  const active = await ctx.db.apiKey.count({
    where: { userId: identity.userId, ...activeWhere(new Date()) },
  });
  if (active >= MAX_KEYS_PER_USER)
    throw problems.conflict(`at most ${MAX_KEYS_PER_USER} active API keys; revoke one first`);
  const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  const created = await ctx.audit.commit(
    client,
    (tx) =>
      tx.apiKey.create({
        data: {
          userId: identity.userId,
          name: input.name,
          keyHash: apiKeyHash(key),
          prefix: key.slice(0, DISPLAY_PREFIX_LENGTH),
          expiresAt: input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null,
        },
      }),
    (row) => ({
      audit: {
        event: 'api_key.created',
        outcome: 'success',
        userId: identity.userId,
        details: { keyId: row.id },
      },
    }),
  );
  return { ...toDto(created), key };
}

export async function listApiKeys(ctx: AuthContext, identity: Identity) {
  const keys = await ctx.db.apiKey.findMany({
    where: { userId: identity.userId, ...activeWhere(new Date()) },
    orderBy: { createdAt: 'desc' },
  });
  return keys.map(toDto);
}

export async function revokeApiKey(
  ctx: AuthContext,
  identity: Identity,
  keyId: string,
  client: ClientInfo,
): Promise<void> {
  const key = await ctx.db.apiKey.findFirst({
    where: { id: keyId, userId: identity.userId, revokedAt: null },
  });
  if (!key) throw problems.notFound('no such API key');
  await ctx.audit.commit(
    client,
    (tx) => tx.apiKey.update({ where: { id: key.id }, data: { revokedAt: new Date() } }),
    () => ({
      audit: { event: 'api_key.revoked', outcome: 'success', userId: identity.userId, details: { keyId } },
    }),
    {
      afterCommit: () =>
        ctx.cache.set(apiKeyCacheKey(key.keyHash), API_KEY_TOMBSTONE, { ttlMs: TOMBSTONE_TTL_MS }),
    },
  );
}

/** The owner and current roles of an active key, refilling the verifiers' cache. */
export async function resolveApiKey(ctx: AuthContext, hash: string): Promise<ResolvedApiKey | undefined> {
  const now = new Date();
  const key = await ctx.db.apiKey.findFirst({
    where: { keyHash: hash, ...activeWhere(now) },
    include: { user: true },
  });
  if (!key || key.user.disabledAt) return undefined;
  const resolved: ResolvedApiKey = { keyId: key.id, userId: key.userId, roles: key.user.roles };
  const ttlMs = Math.min(
    API_KEY_CACHE_TTL_MS,
    key.expiresAt ? key.expiresAt.getTime() - now.getTime() : Number.POSITIVE_INFINITY,
  );
  await ctx.cache.setIfAbsent(apiKeyCacheKey(hash), JSON.stringify(resolved), Math.max(1000, ttlMs));
  await ctx.db.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: now } });
  return resolved;
}

/** After a role change or disabling: cached resolutions of the user's keys are dropped. */
export async function forgetCachedApiKeys(
  ctx: Pick<AuthContext, 'cache' | 'db'>,
  userId: string,
): Promise<void> {
  const keys = await ctx.db.apiKey.findMany({
    where: { userId, revokedAt: null },
    select: { keyHash: true },
  });
  await Promise.all(keys.map((k) => ctx.cache.del(apiKeyCacheKey(k.keyHash))));
}

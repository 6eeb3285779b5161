// Personal API keys: shown once at creation, stored as SHA-256 hashes, revocable, optionally
// expiring, acting with the owner's current roles. Verifiers everywhere resolve them through
// the shared cache (runtime identity/api-key.ts); this module is the source of truth behind it.
import { randomBytes } from 'node:crypto';
import {
  API_KEY_CACHE_TTL_MS,
  API_KEY_PREFIX,
  apiKeyCacheKey,
  apiKeyHash,
  type Identity,
  problems,
  type ResolvedApiKey,
} from '@elwosa/runtime';
import { revokeApiKeyRow } from '../store/api-key-cache-marks.js';
import { settleApiKeyCache } from './api-key-cache.js';
import type { AuthContext, ClientInfo } from './context.js';

export const MAX_KEYS_PER_USER = 20;
const DISPLAY_PREFIX_LENGTH = 12;

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

/** What creating, revoking and resolving keys need of the service. */
export type ApiKeyContext = Pick<AuthContext, 'audit' | 'cache' | 'db' | 'logger'>;

export async function createApiKey(
  ctx: ApiKeyContext,
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
  ctx: ApiKeyContext,
  identity: Identity,
  keyId: string,
  client: ClientInfo,
): Promise<void> {
  const now = new Date();
  await ctx.audit.commit(
    client,
    async (tx) => {
      const key = await revokeApiKeyRow(tx, identity.userId, keyId, now);
      if (!key) throw problems.notFound('no such API key');
      return key;
    },
    () => ({
      audit: { event: 'api_key.revoked', outcome: 'success', userId: identity.userId, details: { keyId } },
    }),
    { afterCommit: (key) => settleApiKeyCache(ctx, [key], now) },
  );
}

/** The owner and current roles of an active key, or undefined. */
async function readActiveKey(ctx: Pick<AuthContext, 'db'>, hash: string, now: Date) {
  const key = await ctx.db.apiKey.findFirst({
    where: { keyHash: hash, ...activeWhere(now) },
    include: { user: true },
  });
  if (!key || key.user.disabledAt) return undefined;
  const resolved: ResolvedApiKey = { keyId: key.id, userId: key.userId, roles: key.user.roles };
  return { resolved, expiresAt: key.expiresAt };
}

const sameResolution = (a: ResolvedApiKey, b: ResolvedApiKey | undefined) =>
  b !== undefined && a.keyId === b.keyId && a.userId === b.userId && a.roles.join() === b.roles.join();

/**
 * The owner and current roles of an active key, refilling the verifiers' cache (never over a
 * tombstone). A change that commits between the read and the refill (a role change, disabling,
 * revocation) has already rewritten the entry by the time the refill lands, so the key is read
 * once more after the refill and the entry dropped if it no longer holds.
 */
export async function resolveApiKey(ctx: ApiKeyContext, hash: string): Promise<ResolvedApiKey | undefined> {
  const now = new Date();
  const active = await readActiveKey(ctx, hash, now);
  if (!active) return undefined;
  const { resolved, expiresAt } = active;
  const ttlMs = Math.min(
    API_KEY_CACHE_TTL_MS,
    expiresAt ? expiresAt.getTime() - now.getTime() : Number.POSITIVE_INFINITY,
  );
  const cacheKey = apiKeyCacheKey(hash);
  if (await ctx.cache.setIfAbsent(cacheKey, JSON.stringify(resolved), Math.max(1000, ttlMs))) {
    const current = await readActiveKey(ctx, hash, new Date());
    if (!sameResolution(resolved, current?.resolved)) {
      await ctx.cache.del(cacheKey);
      return current?.resolved;
    }
  }
  await ctx.db.apiKey.update({ where: { id: resolved.keyId }, data: { lastUsedAt: now } });
  return resolved;
}

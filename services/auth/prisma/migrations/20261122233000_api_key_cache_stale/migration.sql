-- A personal API key's resolution (owner and roles) is cached by every verifier for up to five
-- minutes. A change that makes a cached resolution wrong (revoking the key, changing its owner's
-- roles, disabling its owner) sets `cache_stale_at` in its own transaction; the cache entry is
-- rewritten after the commit (a tombstone for a revoked key, otherwise deleted) and the mark
-- cleared. A mark left behind (the process died between the commit and the cache write, or
-- Redis failed at that moment) is found by the auth service's repair job, which rewrites the
-- entry. Additive: the previous version neither reads nor writes the column, and the repair
-- rewriting an entry that was already rewritten is harmless. No backfill: changes made before
-- this migration wrote their cache entries the old way.
ALTER TABLE "auth"."api_keys" ADD COLUMN "cache_stale_at" TIMESTAMPTZ(3);

CREATE INDEX "api_keys_cache_stale_idx" ON "auth"."api_keys"("cache_stale_at")
    WHERE "cache_stale_at" IS NOT NULL;

-- A session's revocation reaches every token verifier through a tombstone in the shared cache,
-- written after the revocation commits. `revocation_cached_at` records that the tombstone was
-- written; a revoked session without it (the process died between the commit and the cache
-- write, or Redis failed at that moment) is found by the auth service's repair job, which writes
-- the tombstone. Additive: the previous version neither reads nor writes the column, and the
-- repair writing a tombstone it already wrote is harmless. Revocations made before this
-- migration already wrote their tombstones.
ALTER TABLE "auth"."sessions" ADD COLUMN "revocation_cached_at" TIMESTAMPTZ(3);

UPDATE "auth"."sessions" SET "revocation_cached_at" = "revoked_at" WHERE "revoked_at" IS NOT NULL;

CREATE INDEX "sessions_revocation_uncached_idx" ON "auth"."sessions"("revoked_at")
    WHERE "revoked_at" IS NOT NULL AND "revocation_cached_at" IS NULL;

-- Retention. Tombstones older than the retention are purged; each owner's highest purged change
-- sequence is kept, so a changes cursor from before it is answered 410 (sync again from the
-- start) instead of silently missing deletions. Idempotency keys expire.
CREATE TABLE "tasks"."change_horizons" (
    "owner_id" UUID NOT NULL,
    "purged_seq" BIGINT NOT NULL,

    CONSTRAINT "change_horizons_pkey" PRIMARY KEY ("owner_id")
);

CREATE INDEX "tasks_deleted_at_idx" ON "tasks"."tasks"("deleted_at");
CREATE INDEX "idempotency_keys_created_at_idx" ON "tasks"."idempotency_keys"("created_at");

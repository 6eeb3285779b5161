-- Raw AI usage records of rolled-up days are purged after the raw retention. A purged day keeps
-- its roll-up for good: late facts for it no longer mark it stale (a recompute from a partial
-- set of facts would undercount it), and late usage facts for it are dropped at ingestion.
ALTER TABLE "analytics"."rollup_days" ADD COLUMN "raw_purged" BOOLEAN NOT NULL DEFAULT false;

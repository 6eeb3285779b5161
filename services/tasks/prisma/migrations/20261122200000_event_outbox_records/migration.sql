-- The event outbox: every task change is recorded in `deferred_events` (the table keeps the name
-- of its first use) by the very statement or transaction that makes it, and the record is removed
-- once the change's events are published. A process that dies between the commit and the
-- publish leaves its record behind; when it is due, the repair job publishes the task's current
-- state. Before, only changes whose publish failed while the process lived were recorded.
--
-- One row per task: `version` is the task version of the latest recorded change, so the removal
-- after a publish (which names its version) never removes the record of a later change. A
-- record becomes due a grace period after its change; a change whose publish failed makes it
-- due at once.
--
-- Additive (docs/upgrade.md): the previous version keeps working during the rollout. Its
-- deferrals insert without the new columns and get version 0 (no removal names it) and a
-- due_at of their insert (due at once), which is what they mean; rows kept from before the
-- migration are due at once likewise.
ALTER TABLE "tasks"."deferred_events"
    ADD COLUMN "version" INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN "due_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- The repair looks records up by due time; the previous version's repair reads this small table
-- without the old index.
DROP INDEX "tasks"."deferred_events_recorded_at_idx";
CREATE INDEX "deferred_events_due_at_idx" ON "tasks"."deferred_events"("due_at");

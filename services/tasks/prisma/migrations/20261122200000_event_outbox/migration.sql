-- The event outbox: every task change is recorded here by the very statement (or transaction)
-- that makes it, and the record is removed once the change's events are published. A process
-- that dies between the commit and the publish leaves its record behind; when it is due, the
-- repair job publishes the task's current state. Before, only changes whose publish failed
-- while the process lived were recorded (the deferred events this table held until now).
--
-- One row per task: `version` is the task version of the latest recorded change, so the removal
-- after a publish (which names its version) never removes the record of a later change. A
-- record becomes due a grace period after its change; a change whose publish failed makes it
-- due at once.
ALTER TABLE "tasks"."deferred_events" RENAME TO "event_outbox";
ALTER TABLE "tasks"."event_outbox" RENAME CONSTRAINT "deferred_events_pkey" TO "event_outbox_pkey";
DROP INDEX "tasks"."deferred_events_recorded_at_idx";

-- Records kept from before were deferred publishes: due now, with no version a removal names.
ALTER TABLE "tasks"."event_outbox"
    ADD COLUMN "version" INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN "due_at" TIMESTAMPTZ(3);
UPDATE "tasks"."event_outbox" SET "due_at" = "recorded_at";
ALTER TABLE "tasks"."event_outbox"
    ALTER COLUMN "due_at" SET NOT NULL,
    ALTER COLUMN "version" DROP DEFAULT;

CREATE INDEX "event_outbox_due_at_idx" ON "tasks"."event_outbox"("due_at");

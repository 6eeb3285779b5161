-- Task changes whose events could not be published right after their commit (the cache was
-- unavailable). The change stands and is answered as done; the repair job publishes each such
-- task's current state once the cache is back and removes its row. One row per task: a later
-- deferred change of the same task refreshes `recorded_at`, so a repair that read the task
-- before that change does not remove the row.
CREATE TABLE "tasks"."deferred_events" (
    "task_id" UUID NOT NULL,
    "owner_id" UUID NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "deferred_events_pkey" PRIMARY KEY ("task_id")
);

CREATE INDEX "deferred_events_recorded_at_idx" ON "tasks"."deferred_events"("recorded_at");

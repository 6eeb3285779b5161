-- Tasks service: tasks (steps inline as an ordered JSONB checklist, soft-deleted rows kept as
-- tombstones for the changes feed) and the durable Idempotency-Key records of creates.
CREATE SCHEMA IF NOT EXISTS "tasks";

CREATE TABLE "tasks"."tasks" (
    "id" UUID NOT NULL,
    "owner_id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "status" TEXT NOT NULL DEFAULT 'todo',
    "priority" SMALLINT NOT NULL DEFAULT 0,
    "due_at" TIMESTAMPTZ(3),
    "start_at" TIMESTAMPTZ(3),
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "steps" JSONB NOT NULL DEFAULT '[]',
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMPTZ(3),
    "deleted_at" TIMESTAMPTZ(3),
    "change_seq" BIGINT NOT NULL DEFAULT 0,
    -- Full-text search over title (weight A), description (B) and the step titles (C).
    "search" tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, "title"), 'A') ||
        setweight(to_tsvector('simple'::regconfig, "description"), 'B') ||
        setweight(to_tsvector('simple'::regconfig, jsonb_path_query_array("steps", '$[*].title')::text), 'C')
    ) STORED,
    CONSTRAINT "tasks_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "tasks_status_check" CHECK ("status" IN ('todo', 'in_progress', 'blocked', 'done', 'cancelled')),
    CONSTRAINT "tasks_priority_check" CHECK ("priority" BETWEEN 0 AND 4),
    CONSTRAINT "tasks_steps_check" CHECK (jsonb_typeof("steps") = 'array')
);
CREATE INDEX "tasks_owner_id_created_at_id_idx" ON "tasks"."tasks"("owner_id", "created_at", "id");
CREATE INDEX "tasks_owner_id_change_seq_idx" ON "tasks"."tasks"("owner_id", "change_seq");
CREATE INDEX "tasks_search_idx" ON "tasks"."tasks" USING GIN ("search");
CREATE INDEX "tasks_tags_idx" ON "tasks"."tasks" USING GIN ("tags");

-- The changes feed (GET /api/tasks/changes?since=) needs change numbers that a reader can never
-- see out of order: every write of an owner's task takes that owner's transaction-scoped
-- advisory lock first and only then draws the next number, so within one owner the numbers
-- increase in commit order and a cursor never skips a row that commits later.
CREATE SEQUENCE "tasks"."task_change_seq" AS BIGINT;

CREATE FUNCTION "tasks"."stamp_change_seq"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('tasks:' || NEW."owner_id"::text, 0));
    NEW."change_seq" := nextval('"tasks"."task_change_seq"');
    RETURN NEW;
END
$$;

CREATE TRIGGER "tasks_stamp_change_seq" BEFORE INSERT OR UPDATE ON "tasks"."tasks"
    FOR EACH ROW EXECUTE FUNCTION "tasks"."stamp_change_seq"();

CREATE TABLE "tasks"."idempotency_keys" (
    "owner_id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "task_id" UUID NOT NULL,
    "response" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY ("owner_id", "key")
);

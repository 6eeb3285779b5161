-- Analytics service: raw AI usage records and task facts (fed by the `ai.usage` and `tasks`
-- event streams), their daily roll-ups, and the roll-up state of every day with facts.
CREATE SCHEMA IF NOT EXISTS "analytics";

CREATE TABLE "analytics"."ai_usage" (
    "id" UUID NOT NULL,
    "event_id" TEXT NOT NULL,
    "request_id" TEXT NOT NULL,
    "user_id" UUID NOT NULL,
    "provider" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "operation" TEXT NOT NULL,
    "input_tokens" INTEGER NOT NULL,
    "output_tokens" INTEGER NOT NULL,
    "cached_tokens" INTEGER NOT NULL,
    "estimated" BOOLEAN NOT NULL,
    "cost_micro_usd" BIGINT NOT NULL,
    "cost_known" BOOLEAN NOT NULL DEFAULT true,
    "price_version" TEXT,
    "latency_ms" INTEGER NOT NULL,
    "ttft_ms" INTEGER,
    "replica" TEXT,
    "status" TEXT NOT NULL,
    "cache_hit" BOOLEAN NOT NULL,
    "conversation_id" TEXT,
    "day" DATE NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "ingested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ai_usage_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "ai_usage_event_id_key" ON "analytics"."ai_usage"("event_id");
CREATE INDEX "ai_usage_day_user_id_idx" ON "analytics"."ai_usage"("day", "user_id");
CREATE INDEX "ai_usage_user_id_day_idx" ON "analytics"."ai_usage"("user_id", "day");

CREATE TABLE "analytics"."task_facts" (
    "task_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "created_day" DATE NOT NULL,
    "completed_at" TIMESTAMPTZ(3),
    "completed_day" DATE,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "task_facts_pkey" PRIMARY KEY ("task_id")
);
CREATE INDEX "task_facts_created_day_user_id_idx" ON "analytics"."task_facts"("created_day", "user_id");
CREATE INDEX "task_facts_completed_day_user_id_idx" ON "analytics"."task_facts"("completed_day", "user_id");

CREATE TABLE "analytics"."usage_daily" (
    "day" DATE NOT NULL,
    "user_id" UUID NOT NULL,
    "provider" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "operation" TEXT NOT NULL,
    "requests" INTEGER NOT NULL,
    "errors" INTEGER NOT NULL,
    "unpriced" INTEGER NOT NULL,
    "input_tokens" BIGINT NOT NULL,
    "output_tokens" BIGINT NOT NULL,
    "cached_tokens" BIGINT NOT NULL,
    "cost_micro_usd" BIGINT NOT NULL,
    "latency_sum_ms" BIGINT NOT NULL,
    "latency_max_ms" INTEGER NOT NULL,
    "latency_histogram" INTEGER[],
    CONSTRAINT "usage_daily_pkey" PRIMARY KEY ("day", "user_id", "provider", "model", "operation")
);
CREATE INDEX "usage_daily_user_id_day_idx" ON "analytics"."usage_daily"("user_id", "day");

CREATE TABLE "analytics"."tasks_daily" (
    "day" DATE NOT NULL,
    "user_id" UUID NOT NULL,
    "created" INTEGER NOT NULL,
    "completed" INTEGER NOT NULL,
    CONSTRAINT "tasks_daily_pkey" PRIMARY KEY ("day", "user_id")
);
CREATE INDEX "tasks_daily_user_id_day_idx" ON "analytics"."tasks_daily"("user_id", "day");

CREATE TABLE "analytics"."rollup_days" (
    "day" DATE NOT NULL,
    "current" BOOLEAN NOT NULL DEFAULT false,
    "computed_at" TIMESTAMPTZ(3),
    CONSTRAINT "rollup_days_pkey" PRIMARY KEY ("day")
);

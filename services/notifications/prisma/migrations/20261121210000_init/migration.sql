-- Notifications service: in-app notifications, per-user preferences, the email outbox and the
-- due-date projection of tasks (fed by the `tasks` event stream).
CREATE SCHEMA IF NOT EXISTS "notifications";

CREATE TABLE "notifications"."notifications" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "data" JSONB NOT NULL DEFAULT '{}',
    "dedupe_key" TEXT NOT NULL,
    "in_app" BOOLEAN NOT NULL DEFAULT true,
    "read_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "notifications_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "notifications_user_id_dedupe_key_key" ON "notifications"."notifications"("user_id", "dedupe_key");
CREATE INDEX "notifications_user_id_created_at_id_idx" ON "notifications"."notifications"("user_id", "created_at", "id");
CREATE INDEX "notifications_user_id_read_at_idx" ON "notifications"."notifications"("user_id", "read_at");

CREATE TABLE "notifications"."preferences" (
    "user_id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "preferences_pkey" PRIMARY KEY ("user_id", "type", "channel")
);

CREATE TABLE "notifications"."email_outbox" (
    "id" UUID NOT NULL,
    "notification_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "channel" TEXT NOT NULL DEFAULT 'email',
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "locked_by" TEXT,
    "locked_until" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "sent_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "email_outbox_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "email_outbox_notification_id_channel_key" ON "notifications"."email_outbox"("notification_id", "channel");
CREATE INDEX "email_outbox_status_next_attempt_at_idx" ON "notifications"."email_outbox"("status", "next_attempt_at");
ALTER TABLE "notifications"."email_outbox" ADD CONSTRAINT "email_outbox_notification_id_fkey"
    FOREIGN KEY ("notification_id") REFERENCES "notifications"."notifications"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "notifications"."due_reminders" (
    "task_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "task_version" INTEGER NOT NULL DEFAULT 0,
    "notified_due_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "due_reminders_pkey" PRIMARY KEY ("task_id")
);
CREATE INDEX "due_reminders_due_at_idx" ON "notifications"."due_reminders"("due_at");

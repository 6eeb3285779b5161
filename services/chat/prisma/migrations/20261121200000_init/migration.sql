-- Chat service: conversations and their message trees (parent ids; siblings are branches).
CREATE SCHEMA IF NOT EXISTS "chat";

CREATE TABLE "chat"."conversations" (
    "id" UUID NOT NULL,
    "owner_id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "title_source" TEXT NOT NULL DEFAULT 'auto',
    "active_leaf_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "conversations_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "conversations_title_source_check" CHECK ("title_source" IN ('auto', 'user'))
);
CREATE INDEX "conversations_owner_id_updated_at_id_idx"
    ON "chat"."conversations"("owner_id", "updated_at" DESC, "id" DESC);

CREATE TABLE "chat"."messages" (
    "id" UUID NOT NULL,
    "conversation_id" UUID NOT NULL,
    "parent_id" UUID,
    "role" TEXT NOT NULL,
    "content" TEXT NOT NULL DEFAULT '',
    "tool_calls" JSONB,
    "tool_call_id" TEXT,
    "tool_name" TEXT,
    "status" TEXT NOT NULL DEFAULT 'complete',
    "finish_reason" TEXT,
    "error" TEXT,
    "model" TEXT,
    "usage" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "messages_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "messages_role_check" CHECK ("role" IN ('user', 'assistant', 'tool')),
    CONSTRAINT "messages_status_check" CHECK ("status" IN ('streaming', 'complete', 'stopped', 'error')),
    CONSTRAINT "messages_conversation_id_fkey" FOREIGN KEY ("conversation_id")
        REFERENCES "chat"."conversations"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "messages_parent_id_fkey" FOREIGN KEY ("parent_id")
        REFERENCES "chat"."messages"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "messages_conversation_id_created_at_idx" ON "chat"."messages"("conversation_id", "created_at");
CREATE INDEX "messages_parent_id_idx" ON "chat"."messages"("parent_id");

-- The security-event outbox: a security event (new login, MFA changed, refresh-token reuse,
-- password changed) is written here in the transaction that writes its audit entry (for MFA
-- changes, the transaction of the change itself), and removed once it is published on the
-- `auth.security` stream. An event whose publish failed is due at once; one left by a process
-- that died before publishing is due after a grace period; the relay job publishes due events
-- with their original id and time, so consumers can recognise a repeat. Additive: the previous
-- version does not know the table.
CREATE TABLE "auth"."security_event_outbox" (
    "id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "user_id" UUID NOT NULL,
    "data" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "due_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "security_event_outbox_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "security_event_outbox_due_at_idx" ON "auth"."security_event_outbox"("due_at");

-- Memory service: per-user memories, one embedding per memory (model id and dimension stored
-- with the vector), and a per-user generation counter for in-process vector caches.
-- Plain SQL that works without pgvector; HNSW indexes are added at run time where the
-- extension exists (services/memory/src/store/pgvector.ts).
CREATE SCHEMA IF NOT EXISTS "memory";

CREATE TABLE "memory"."memories" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "source" TEXT NOT NULL DEFAULT '',
    "pinned" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "memories_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "memories_kind_check" CHECK ("kind" IN ('fact', 'preference', 'note', 'context'))
);
CREATE INDEX "memories_user_id_created_at_id_idx" ON "memory"."memories"("user_id", "created_at" DESC, "id" DESC);

CREATE TABLE "memory"."memory_embeddings" (
    "memory_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "model" TEXT NOT NULL,
    "dim" INTEGER NOT NULL,
    "vector" REAL[] NOT NULL,
    "embedded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "memory_embeddings_pkey" PRIMARY KEY ("memory_id"),
    CONSTRAINT "memory_embeddings_dim_check" CHECK (cardinality("vector") = "dim")
);
CREATE INDEX "memory_embeddings_user_id_model_dim_idx" ON "memory"."memory_embeddings"("user_id", "model", "dim");
CREATE INDEX "memory_embeddings_model_dim_idx" ON "memory"."memory_embeddings"("model", "dim");
ALTER TABLE "memory"."memory_embeddings" ADD CONSTRAINT "memory_embeddings_memory_id_fkey"
    FOREIGN KEY ("memory_id") REFERENCES "memory"."memories"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "memory"."vector_generations" (
    "user_id" UUID NOT NULL,
    "generation" BIGINT NOT NULL DEFAULT 0,
    CONSTRAINT "vector_generations_pkey" PRIMARY KEY ("user_id")
);

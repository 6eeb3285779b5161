// The memory service's HTTP API as data: request and response schemas and route specs. The
// service binds handlers to these; the gateway builds the OpenAPI document from them.
import { defineRoute, type RouteSpec } from '@elwosa/runtime';
import { z } from 'zod';

export const MEMORY_KINDS = ['fact', 'preference', 'note', 'context'] as const;
export type MemoryKind = (typeof MEMORY_KINDS)[number];

export const LIMITS = {
  contentChars: 4000,
  tags: 20,
  tagChars: 50,
  sourceChars: 200,
  queryChars: 1000,
  maxK: 50,
  pageSize: 100,
} as const;

const kind = z.enum(MEMORY_KINDS);
const content = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(LIMITS.contentChars, `at most ${LIMITS.contentChars} characters`);
const tag = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(LIMITS.tagChars, `at most ${LIMITS.tagChars} characters`)
  .regex(/^[^\s,]+$/, 'no spaces or commas');
const tags = z
  .array(tag)
  .max(LIMITS.tags, `at most ${LIMITS.tags} tags`)
  .transform((list) => [...new Set(list)]);
const source = z.string().trim().max(LIMITS.sourceChars, `at most ${LIMITS.sourceChars} characters`);
const idParam = z.object({ id: z.uuid() }).strict();

export const CreateMemoryBody = z
  .object({
    kind: kind.default('fact'),
    content,
    tags: tags.default([]),
    source: source.default(''),
    pinned: z.boolean().default(false),
  })
  .strict();
export type CreateMemoryInput = z.output<typeof CreateMemoryBody>;

export const UpdateMemoryBody = z
  .object({
    kind: kind.optional(),
    content: content.optional(),
    tags: tags.optional(),
    source: source.optional(),
    pinned: z.boolean().optional(),
  })
  .strict()
  .refine((b) => Object.values(b).some((v) => v !== undefined), 'at least one field to change');
export type UpdateMemoryInput = z.output<typeof UpdateMemoryBody>;

export const ListMemoriesQuery = z
  .object({
    kind: kind.optional(),
    tag: tag.optional(),
    pinned: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
    cursor: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(LIMITS.pageSize).default(50),
  })
  .strict();
export type ListMemoriesFilter = z.output<typeof ListMemoriesQuery>;

export const SearchBody = z
  .object({
    query: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(LIMITS.queryChars, `at most ${LIMITS.queryChars} characters`),
    k: z.number().int().min(1).max(LIMITS.maxK).default(5),
    minScore: z.number().min(-1).max(1).default(0.3),
    kinds: z.array(kind).min(1).max(MEMORY_KINDS.length).optional(),
  })
  .strict();
export type SearchInput = z.output<typeof SearchBody>;

export const MemoryDto = z.object({
  id: z.uuid(),
  kind,
  content: z.string(),
  tags: z.array(z.string()),
  source: z.string(),
  pinned: z.boolean(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  /** The model of the memory's vector; null while it waits for (re-)embedding. */
  embeddingModel: z.string().nullable(),
});
export type MemoryDto = z.infer<typeof MemoryDto>;

export const SearchResultDto = z.object({
  /** The model the query was embedded with; only memories with a vector of this model are searched. */
  model: z.string(),
  items: z.array(z.object({ score: z.number(), memory: MemoryDto })),
});
export type SearchResultDto = z.infer<typeof SearchResultDto>;

export const StatusDto = z.object({
  model: z.string(),
  dimensions: z.number().int().nullable(),
  vectorBackend: z.enum(['pgvector', 'in-process']),
  /** The signed-in user's memories with a vector of the current model (searchable). */
  embedded: z.number().int(),
  /** The signed-in user's memories still waiting for a vector of the current model. */
  pending: z.number().int(),
});
export type StatusDto = z.infer<typeof StatusDto>;

const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });
const tagsList = ['memory'];
const notFound = { description: 'No such memory of this user' };

export const memoryRoutes = {
  create: defineRoute({
    operationId: 'createMemory',
    method: 'post',
    path: '/api/memory/memories',
    summary: 'Remember something (embedded with the current model; searchable at once)',
    tags: tagsList,
    auth: { permission: 'memory:write' },
    body: CreateMemoryBody,
    responses: { 201: { description: 'The memory', schema: MemoryDto } },
  }),
  list: defineRoute({
    operationId: 'listMemories',
    method: 'get',
    path: '/api/memory/memories',
    summary: 'The user’s memories, newest first (keyset cursor; filters kind, tag, pinned)',
    tags: tagsList,
    auth: { permission: 'memory:read' },
    query: ListMemoriesQuery,
    responses: { 200: { description: 'A page of memories', schema: page(MemoryDto) } },
  }),
  get: defineRoute({
    operationId: 'getMemory',
    method: 'get',
    path: '/api/memory/memories/:id',
    summary: 'One memory',
    tags: tagsList,
    auth: { permission: 'memory:read' },
    params: idParam,
    responses: { 200: { description: 'The memory', schema: MemoryDto }, 404: notFound },
  }),
  update: defineRoute({
    operationId: 'updateMemory',
    method: 'patch',
    path: '/api/memory/memories/:id',
    summary: 'Change a memory (a new content is embedded again)',
    tags: tagsList,
    auth: { permission: 'memory:write' },
    params: idParam,
    body: UpdateMemoryBody,
    responses: { 200: { description: 'The memory', schema: MemoryDto }, 404: notFound },
  }),
  delete: defineRoute({
    operationId: 'deleteMemory',
    method: 'delete',
    path: '/api/memory/memories/:id',
    summary: 'Forget a memory',
    tags: tagsList,
    auth: { permission: 'memory:write' },
    params: idParam,
    responses: { 204: { description: 'Deleted' }, 404: notFound },
  }),
  search: defineRoute({
    operationId: 'searchMemories',
    method: 'post',
    path: '/api/memory/search',
    summary: 'Semantic search: the k memories most similar to the query with a score ≥ minScore',
    tags: tagsList,
    auth: { permission: 'memory:read' },
    body: SearchBody,
    responses: {
      200: { description: 'Best first', schema: SearchResultDto },
      503: { description: 'The embedding provider is unavailable' },
    },
  }),
  status: defineRoute({
    operationId: 'memoryStatus',
    method: 'get',
    path: '/api/memory/status',
    summary: 'The embedding model, vector backend and the user’s re-embedding progress',
    tags: tagsList,
    auth: { permission: 'memory:read' },
    responses: { 200: { description: 'Status', schema: StatusDto } },
  }),
} as const;

export const memoryRouteSpecs: readonly RouteSpec[] = Object.values(memoryRoutes);

// The tasks service's HTTP API as data: request and response schemas and route specs. The
// service binds handlers to these; the gateway builds the OpenAPI document from them. Every
// input schema is strict: unknown and server-owned fields (id, ownerId, version, createdAt,
// completedAt, deletedAt …) are refused with 400.
import { defineRoute, type RouteSpec } from '@elwosa/runtime';
import { z } from 'zod';
import { SORT_VALUES } from './domain/cursor.js';
import { MAX_STEPS, MAX_TAGS, PRIORITIES, STATUSES } from './domain/model.js';

/** PostgreSQL text cannot hold NUL: refuse it here (400) instead of failing in the database. */
const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !s.includes('\u0000'), 'must not contain NUL characters');
const title = text(200).trim().min(1);
const description = text(10_000);
const tag = text(50).trim().min(1);
const stepTitle = text(500).trim().min(1);
const instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const uuidList = (max: number) =>
  z
    .array(z.uuid())
    .min(1)
    .max(max)
    .refine((ids) => new Set(ids).size === ids.length, 'ids must be unique');
const csv = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .max(200)
    .transform((s) => s.split(',').map((v) => v.trim()))
    .pipe(z.array(z.enum(values)).min(1));

export const StepInput = z.object({ title: stepTitle, done: z.boolean().default(false) }).strict();

export const CreateTaskBody = z
  .object({
    title,
    description: description.optional(),
    status: z.enum(STATUSES).optional(),
    priority: z.enum(PRIORITIES).optional(),
    dueAt: instant.nullable().optional(),
    startAt: instant.nullable().optional(),
    tags: z.array(tag).max(MAX_TAGS).optional(),
    steps: z.array(StepInput).max(MAX_STEPS).optional(),
  })
  .strict();

export const UpdateTaskBody = z
  .object({
    title: title.optional(),
    description: description.optional(),
    status: z.enum(STATUSES).optional(),
    priority: z.enum(PRIORITIES).optional(),
    dueAt: instant.nullable().optional(),
    startAt: instant.nullable().optional(),
    tags: z.array(tag).max(MAX_TAGS).optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'nothing to change');

export const ListTasksQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(50),
    cursor: z.string().max(512).optional(),
    sort: z.enum(SORT_VALUES).default('-createdAt'),
    status: csv(STATUSES).optional(),
    priority: csv(PRIORITIES).optional(),
    tag: tag.optional(),
    overdue: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
    dueBefore: instant.optional(),
    dueAfter: instant.optional(),
    q: text(200).trim().min(1).optional(),
  })
  .strict();
export type ListTasksQuery = z.output<typeof ListTasksQuery>;

export const ChangesQuery = z
  .object({
    since: z.string().max(512).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

export const BulkBody = z.object({ ids: uuidList(100) }).strict();
export const AddStepBody = z
  .object({ title: stepTitle, done: z.boolean().optional(), position: z.number().int().min(0).optional() })
  .strict();
export const EditStepBody = z
  .object({ title: stepTitle.optional(), done: z.boolean().optional() })
  .strict()
  .refine((b) => b.title !== undefined || b.done !== undefined, 'nothing to change');
export const ReorderStepsBody = z.object({ stepIds: z.array(z.uuid()).max(MAX_STEPS) }).strict();

const taskParams = z.object({ id: z.uuid() }).strict();
const stepParams = z.object({ id: z.uuid(), stepId: z.uuid() }).strict();

export const StepDto = z.object({ id: z.uuid(), title: z.string(), done: z.boolean() });
export const TaskDto = z.object({
  id: z.uuid(),
  ownerId: z.uuid(),
  title: z.string(),
  description: z.string(),
  status: z.enum(STATUSES),
  priority: z.enum(PRIORITIES),
  dueAt: z.iso.datetime().nullable(),
  startAt: z.iso.datetime().nullable(),
  tags: z.array(z.string()),
  steps: z.array(StepDto),
  progress: z.object({ done: z.number().int(), total: z.number().int(), percent: z.number().int() }),
  version: z.number().int(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  completedAt: z.iso.datetime().nullable(),
});
export type TaskDto = z.infer<typeof TaskDto>;
export const DeletionDto = z.object({ id: z.uuid(), deletedAt: z.iso.datetime() });
export type DeletionDto = z.infer<typeof DeletionDto>;
export const TaskPageDto = z.object({ items: z.array(TaskDto), nextCursor: z.string().nullable() });
export const ChangesDto = z.object({
  upserts: z.array(TaskDto),
  deletions: z.array(DeletionDto),
  nextCursor: z.string(),
  hasMore: z.boolean(),
});
export const TagsDto = z.object({ items: z.array(z.object({ tag: z.string(), count: z.number().int() })) });

const tags = ['tasks'];
const ifMatch = {
  'If-Match': { description: 'The ETag of the version this write expects; 412 when the task changed since' },
};
const taskReply = { 200: { description: 'The task (ETag: its version)', schema: TaskDto } };
const write = { permission: 'tasks:write' } as const;
const read = { permission: 'tasks:read' } as const;

export const taskRoutes = {
  list: defineRoute({
    operationId: 'listTasks',
    method: 'get',
    path: '/api/tasks',
    summary: 'The caller’s tasks: filters, full-text search (q), sort, keyset cursor',
    tags,
    auth: read,
    query: ListTasksQuery,
    responses: { 200: { description: 'A page of tasks', schema: TaskPageDto } },
  }),
  create: defineRoute({
    operationId: 'createTask',
    method: 'post',
    path: '/api/tasks',
    summary: 'Create a task (an Idempotency-Key makes retries return the first result)',
    tags,
    auth: write,
    body: CreateTaskBody,
    headers: {
      'Idempotency-Key': {
        description:
          'Replays with the same key within 24 hours (ELWOSA_TASKS_IDEMPOTENCY_TTL_HOURS) return the first answer; another body → 422',
      },
    },
    responses: {
      201: { description: 'Created', schema: TaskDto },
      422: { description: 'Key reused with another body' },
    },
  }),
  changes: defineRoute({
    operationId: 'taskChanges',
    method: 'get',
    path: '/api/tasks/changes',
    summary: 'Tasks created, changed or deleted since a cursor (offline resync)',
    tags,
    auth: read,
    query: ChangesQuery,
    responses: {
      200: { description: 'Changes in commit order', schema: ChangesDto },
      410: {
        description:
          'Deletions after this cursor were purged (tombstone retention): drop the local copy and sync again without since',
      },
    },
  }),
  tags: defineRoute({
    operationId: 'listTaskTags',
    method: 'get',
    path: '/api/tasks/tags',
    summary: 'The tags on the caller’s tasks, with counts',
    tags,
    auth: read,
    responses: { 200: { description: 'Tags', schema: TagsDto } },
  }),
  bulkComplete: defineRoute({
    operationId: 'completeTasks',
    method: 'post',
    path: '/api/tasks/bulk/complete',
    summary: 'Mark up to 100 tasks done (all or nothing: an unknown id is 404)',
    tags,
    auth: write,
    body: BulkBody,
    responses: { 200: { description: 'The tasks', schema: z.object({ items: z.array(TaskDto) }) } },
  }),
  bulkDelete: defineRoute({
    operationId: 'deleteTasks',
    method: 'post',
    path: '/api/tasks/bulk/delete',
    summary: 'Delete up to 100 tasks (all or nothing: an unknown id is 404)',
    tags,
    auth: write,
    body: BulkBody,
    responses: { 200: { description: 'Deleted', schema: z.object({ deleted: z.array(DeletionDto) }) } },
  }),
  get: defineRoute({
    operationId: 'getTask',
    method: 'get',
    path: '/api/tasks/:id',
    summary: 'One task',
    tags,
    auth: read,
    params: taskParams,
    responses: taskReply,
  }),
  update: defineRoute({
    operationId: 'updateTask',
    method: 'patch',
    path: '/api/tasks/:id',
    summary: 'Change a task’s fields (status changes set or clear completedAt)',
    tags,
    auth: write,
    params: taskParams,
    body: UpdateTaskBody,
    headers: ifMatch,
    responses: taskReply,
  }),
  delete: defineRoute({
    operationId: 'deleteTask',
    method: 'delete',
    path: '/api/tasks/:id',
    summary: 'Delete a task',
    tags,
    auth: write,
    params: taskParams,
    headers: ifMatch,
    responses: { 204: { description: 'Deleted' } },
  }),
  addStep: defineRoute({
    operationId: 'addTaskStep',
    method: 'post',
    path: '/api/tasks/:id/steps',
    summary: 'Add a step (at `position`, or at the end)',
    tags,
    auth: write,
    params: taskParams,
    body: AddStepBody,
    headers: ifMatch,
    responses: { 201: { description: 'The task', schema: TaskDto } },
  }),
  reorderSteps: defineRoute({
    operationId: 'reorderTaskSteps',
    method: 'put',
    path: '/api/tasks/:id/steps/order',
    summary: 'Reorder the steps (every step id exactly once)',
    tags,
    auth: write,
    params: taskParams,
    body: ReorderStepsBody,
    headers: ifMatch,
    responses: taskReply,
  }),
  editStep: defineRoute({
    operationId: 'editTaskStep',
    method: 'patch',
    path: '/api/tasks/:id/steps/:stepId',
    summary: 'Change a step’s title or done flag',
    tags,
    auth: write,
    params: stepParams,
    body: EditStepBody,
    headers: ifMatch,
    responses: taskReply,
  }),
  toggleStep: defineRoute({
    operationId: 'toggleTaskStep',
    method: 'post',
    path: '/api/tasks/:id/steps/:stepId/toggle',
    summary: 'Flip a step’s done flag',
    tags,
    auth: write,
    params: stepParams,
    headers: ifMatch,
    responses: taskReply,
  }),
  deleteStep: defineRoute({
    operationId: 'deleteTaskStep',
    method: 'delete',
    path: '/api/tasks/:id/steps/:stepId',
    summary: 'Remove a step',
    tags,
    auth: write,
    params: stepParams,
    headers: ifMatch,
    responses: taskReply,
  }),
} as const;

export const taskRouteSpecs: readonly RouteSpec[] = Object.values(taskRoutes);

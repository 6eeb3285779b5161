// The chat service's HTTP API as data: request and response schemas and route specs. The
// service binds handlers to these; the gateway builds the OpenAPI document from them. Every
// input schema is strict. The three endpoints that start a generation answer 202 with the ids
// (the answer streams as user events over /ws), or stream it as server-sent events when the
// request says `Accept: text/event-stream`.
import { defineRoute, type RouteSpec } from '@elwosa/runtime';
import { z } from 'zod';

const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !s.includes('\u0000'), 'must not contain NUL characters');

export const MAX_MESSAGE_CHARS = 32_000;
const content = text(MAX_MESSAGE_CHARS).trim().min(1, 'must not be empty');
const title = text(200).trim().min(1);
const model = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[\w.:/@-]+$/, 'not a model name');

const conversationParams = z.object({ id: z.uuid() }).strict();
const messageParams = z.object({ id: z.uuid(), messageId: z.uuid() }).strict();
const taskParams = z.object({ taskId: z.uuid() }).strict();

export const CreateConversationBody = z.object({ title: title.optional() }).strict();
export const RenameConversationBody = z.object({ title }).strict();
export const ListConversationsQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(30),
    cursor: z.string().max(512).optional(),
    q: text(200).trim().min(1).optional(),
  })
  .strict();
export const SendMessageBody = z.object({ content, model: model.optional() }).strict();
export const EditMessageBody = z.object({ content, model: model.optional() }).strict();
export const RegenerateBody = z.object({ model: model.optional() }).strict();
export const ActivateBranchBody = z.object({ messageId: z.uuid() }).strict();
export const TaskDraftBody = z
  .object({
    text: text(2000).trim().min(1),
    /** IANA time zone the sentence's dates are meant in ("tomorrow at 9"). */
    timeZone: z
      .string()
      .max(64)
      .regex(/^[A-Za-z_+\-/0-9]+$/)
      .optional(),
    model: model.optional(),
  })
  .strict();
export const SuggestBody = z.object({ model: model.optional() }).strict();

export const ConversationDto = z.object({
  id: z.uuid(),
  title: z.string(),
  titleSource: z.enum(['auto', 'user']),
  activeLeafId: z.uuid().nullable(),
  /** A generation is running in this conversation right now. */
  generating: z.boolean(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type ConversationDto = z.infer<typeof ConversationDto>;

export const ToolCallDto = z.object({ id: z.string(), name: z.string(), arguments: z.string() });
export type ToolCallDto = z.infer<typeof ToolCallDto>;

export const MessageDto = z.object({
  id: z.uuid(),
  conversationId: z.uuid(),
  parentId: z.uuid().nullable(),
  role: z.enum(['user', 'assistant', 'tool']),
  content: z.string(),
  toolCalls: z.array(ToolCallDto).nullable(),
  toolCallId: z.string().nullable(),
  toolName: z.string().nullable(),
  status: z.enum(['streaming', 'complete', 'stopped', 'error']),
  finishReason: z.string().nullable(),
  error: z.string().nullable(),
  model: z.string().nullable(),
  createdAt: z.iso.datetime(),
});
export type MessageDto = z.infer<typeof MessageDto>;

export const BranchMessageDto = MessageDto.extend({
  /** Every alternative at this position (same parent), oldest first; this message included. */
  siblingIds: z.array(z.uuid()),
});
export type BranchMessageDto = z.infer<typeof BranchMessageDto>;

export const ConversationPageDto = z.object({
  items: z.array(ConversationDto),
  nextCursor: z.string().nullable(),
});
export const BranchDto = z.object({ conversation: ConversationDto, messages: z.array(BranchMessageDto) });
export type BranchDto = z.infer<typeof BranchDto>;

export const TurnStartedDto = z.object({
  conversationId: z.uuid(),
  userMessageId: z.uuid(),
  assistantMessageId: z.uuid(),
});
export type TurnStartedDto = z.infer<typeof TurnStartedDto>;

export const TASK_PRIORITIES = ['none', 'low', 'medium', 'high', 'urgent'] as const;
export const TaskDraftDto = z.object({
  title: z.string().min(1).max(200),
  dueAt: z.iso.datetime({ offset: true }).nullable(),
  priority: z.enum(TASK_PRIORITIES),
  steps: z.array(z.string().min(1).max(500)).max(20),
});
export type TaskDraftDto = z.infer<typeof TaskDraftDto>;
export const TaskSuggestionDto = z.object({
  priority: z.enum(TASK_PRIORITIES),
  tags: z.array(z.string().min(1).max(50)).max(10),
  reason: z.string().max(500),
});
export type TaskSuggestionDto = z.infer<typeof TaskSuggestionDto>;

const tags = ['chat'];
const read = { permission: 'chat:read' } as const;
const write = { permission: 'chat:write' } as const;
const streamable = {
  200: {
    description:
      'With `Accept: text/event-stream`: the turn as server-sent events (chat.turn.started … chat.turn.done)',
  },
  202: { description: 'Started: the answer streams over /ws as chat.* user events', schema: TurnStartedDto },
  409: { description: 'A generation is already running in this conversation' },
} as const;
const sseHeader = {
  Accept: { description: '`text/event-stream` streams the answer as server-sent events instead' },
};

export const chatRoutes = {
  listConversations: defineRoute({
    operationId: 'listConversations',
    method: 'get',
    path: '/api/chat/conversations',
    summary: 'The caller’s conversations, most recently active first; q searches titles and messages',
    tags,
    auth: read,
    query: ListConversationsQuery,
    responses: { 200: { description: 'A page of conversations', schema: ConversationPageDto } },
  }),
  createConversation: defineRoute({
    operationId: 'createConversation',
    method: 'post',
    path: '/api/chat/conversations',
    summary: 'Start a conversation (titled from its first question unless a title is given)',
    tags,
    auth: write,
    body: CreateConversationBody,
    responses: { 201: { description: 'Created', schema: ConversationDto } },
  }),
  getConversation: defineRoute({
    operationId: 'getConversation',
    method: 'get',
    path: '/api/chat/conversations/:id',
    summary: 'A conversation with the messages of its active branch',
    tags,
    auth: read,
    params: conversationParams,
    responses: { 200: { description: 'The conversation and its active branch', schema: BranchDto } },
  }),
  renameConversation: defineRoute({
    operationId: 'renameConversation',
    method: 'patch',
    path: '/api/chat/conversations/:id',
    summary: 'Rename a conversation (the title is never regenerated afterwards)',
    tags,
    auth: write,
    params: conversationParams,
    body: RenameConversationBody,
    responses: { 200: { description: 'The conversation', schema: ConversationDto } },
  }),
  deleteConversation: defineRoute({
    operationId: 'deleteConversation',
    method: 'delete',
    path: '/api/chat/conversations/:id',
    summary: 'Delete a conversation and all its messages (a running generation is stopped)',
    tags,
    auth: write,
    params: conversationParams,
    responses: { 204: { description: 'Deleted' } },
  }),
  sendMessage: defineRoute({
    operationId: 'sendChatMessage',
    method: 'post',
    path: '/api/chat/conversations/:id/messages',
    summary: 'Ask a question at the end of the active branch; the agent answers',
    tags,
    auth: write,
    params: conversationParams,
    body: SendMessageBody,
    headers: sseHeader,
    responses: streamable,
  }),
  editMessage: defineRoute({
    operationId: 'editChatMessage',
    method: 'post',
    path: '/api/chat/conversations/:id/messages/:messageId/edit',
    summary: 'Ask an edited version of a question: a new branch beside the original',
    tags,
    auth: write,
    params: messageParams,
    body: EditMessageBody,
    headers: sseHeader,
    responses: streamable,
  }),
  regenerate: defineRoute({
    operationId: 'regenerateChatAnswer',
    method: 'post',
    path: '/api/chat/conversations/:id/messages/:messageId/regenerate',
    summary: 'Answer the turn of this message again: a new answer branch beside the old one',
    tags,
    auth: write,
    params: messageParams,
    body: RegenerateBody,
    headers: sseHeader,
    responses: streamable,
  }),
  activateBranch: defineRoute({
    operationId: 'activateChatBranch',
    method: 'put',
    path: '/api/chat/conversations/:id/active-branch',
    summary: 'Show and continue the branch through a message (its newest continuation)',
    tags,
    auth: write,
    params: conversationParams,
    body: ActivateBranchBody,
    responses: { 200: { description: 'The conversation and its active branch', schema: BranchDto } },
  }),
  stop: defineRoute({
    operationId: 'stopChatGeneration',
    method: 'post',
    path: '/api/chat/conversations/:id/stop',
    summary: 'Stop the running generation (on whichever chat replica runs it); the partial answer is kept',
    tags,
    auth: write,
    params: conversationParams,
    responses: { 202: { description: 'Stop signalled', schema: z.object({ stopping: z.boolean() }) } },
  }),
  taskDraft: defineRoute({
    operationId: 'draftTaskFromText',
    method: 'post',
    path: '/api/chat/assist/task-draft',
    summary: 'Turn a sentence into a task draft (title, due date, priority, steps); nothing is saved',
    tags,
    auth: write,
    body: TaskDraftBody,
    responses: {
      200: { description: 'The draft', schema: TaskDraftDto },
      502: { description: 'The model did not produce a valid draft' },
    },
  }),
  suggestForTask: defineRoute({
    operationId: 'suggestTaskPriorityAndTags',
    method: 'post',
    path: '/api/chat/assist/tasks/:taskId/suggestions',
    summary: 'Suggest a priority and tags for one of the caller’s tasks; nothing is changed',
    tags,
    auth: write,
    params: taskParams,
    body: SuggestBody,
    responses: {
      200: { description: 'The suggestion', schema: TaskSuggestionDto },
      502: { description: 'The model did not produce a valid suggestion' },
    },
  }),
} as const;

export const chatRouteSpecs: readonly RouteSpec[] = Object.values(chatRoutes);

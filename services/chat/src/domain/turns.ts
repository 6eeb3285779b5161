// Starting a turn: a new question at the end of the active branch, an edited question (a new
// branch beside the original) or a regenerated answer (a new answer branch under the same
// question). The conversation is claimed for the generation, the question and an empty
// assistant message are stored and made the active branch, and `start()` runs the agent in the
// background — after the caller attached its listeners, so an SSE response misses nothing.
// The generation belongs to the service, not to the request: a client that disconnects does
// not stop it; only a stop request, the turn timeout or a shutdown does.
import { problems, publishUserEvent, type ServiceClient } from '@elwosa/runtime';
import type { TurnStartedDto } from '../api.js';
import { findOwned } from '../store/conversations.js';
import { type Conversation, type Message, toMessageDto } from '../store/db.js';
import {
  insertMessage,
  loadTree,
  MAX_MESSAGES_PER_CONVERSATION,
  markInterrupted,
} from '../store/messages.js';
import { toolsFor } from '../tools/registry.js';
import type { ToolContext, UserServiceCall } from '../tools/tool.js';
import { runTurn, type TurnOutcome } from './agent.js';
import { gatherKnowledge } from './agent-context.js';
import { activeBranch, type MessageTree } from './branches.js';
import type { Caller, ChatContext } from './context.js';
import type { StopReason } from './generations.js';
import { titleFrom } from './title.js';
import { CHAT_EVENTS, TurnEvents } from './turn-events.js';

export type TurnRequest =
  | { kind: 'send'; content: string; model?: string | undefined }
  | { kind: 'edit'; messageId: string; content: string; model?: string | undefined }
  | { kind: 'regenerate'; messageId: string; model?: string | undefined };

export interface PreparedTurn {
  ids: TurnStartedDto;
  events: TurnEvents;
  start(): void;
}

export function userServiceCall(client: ServiceClient, caller: Caller): UserServiceCall {
  return async <T>(method: string, path: string, body?: unknown) =>
    (
      await client.call<T>(method, path, {
        authorization: caller.authorization,
        requestId: caller.requestId,
        ...(body !== undefined ? { body } : {}),
      })
    ).body;
}

/** Where the turn starts: a new question under `parentId`, or an existing question answered again. */
export type Placement =
  | { kind: 'new'; parentId: string | null; content: string }
  | { kind: 'existing'; question: Message };

export function placement(
  tree: MessageTree<Message>,
  conversation: Conversation,
  request: TurnRequest,
): Placement {
  if (request.kind === 'send')
    return {
      kind: 'new',
      parentId: activeBranch(tree, conversation.activeLeafId).at(-1)?.id ?? null,
      content: request.content,
    };
  const target = tree.get(request.messageId);
  if (!target) throw problems.notFound('no such message in this conversation');
  if (request.kind === 'edit') {
    if (target.role !== 'user') throw problems.badRequest('only questions (user messages) can be edited');
    return { kind: 'new', parentId: target.parentId, content: request.content };
  }
  const question = tree.turnStart(target.id);
  if (!question) throw problems.badRequest('this message does not belong to a question');
  return { kind: 'existing', question };
}

export async function prepareTurn(
  ctx: ChatContext,
  caller: Caller,
  conversationId: string,
  request: TurnRequest,
): Promise<PreparedTurn> {
  const owned = await findOwned(ctx.db, caller.userId, conversationId);
  const controller = await ctx.generations.begin(owned.id, caller.userId);
  try {
    // Read again under the lock: a turn that just ended may have moved the active leaf.
    const conversation = await findOwned(ctx.db, caller.userId, owned.id);
    await markInterrupted(ctx.db, conversation.id);
    const tree = await loadTree(ctx.db, conversation.id);
    const where = placement(tree, conversation, request);
    if (where.kind === 'new' && tree.size >= MAX_MESSAGES_PER_CONVERSATION)
      throw problems.conflict('this conversation is full; start a new one');
    const question =
      where.kind === 'existing'
        ? where.question
        : await insertMessage(ctx.db, {
            conversationId: conversation.id,
            parentId: where.parentId,
            role: 'user',
            content: where.content,
          });
    const modelName = request.model ?? ctx.defaultModel;
    const assistant = await insertMessage(ctx.db, {
      conversationId: conversation.id,
      parentId: question.id,
      role: 'assistant',
      status: 'streaming',
      model: modelName ?? null,
    });
    const retitle = conversation.titleSource === 'auto' && question.parentId === null && where.kind === 'new';
    await ctx.db.conversation.update({
      where: { id: conversation.id },
      data: {
        activeLeafId: assistant.id,
        updatedAt: ctx.now(),
        ...(retitle ? { title: titleFrom(question.content) } : {}),
      },
    });
    const history = [...tree.pathTo(question.parentId), question];
    const events = new TurnEvents(
      conversation.id,
      (type, data) => publishUserEvent(ctx.cache, caller.userId, type, data).then(() => undefined),
      ctx.limits.deltaFlushMs,
      (err) => ctx.logger.warn({ err: String(err) }, 'could not publish a chat event'),
    );
    const turn = {
      conversationId: conversation.id,
      history,
      assistant,
      question,
      modelName,
      created: where.kind === 'new',
    };
    return {
      ids: { conversationId: conversation.id, userMessageId: question.id, assistantMessageId: assistant.id },
      events,
      start: () => ctx.generations.track(run(ctx, caller, controller, turn, events)),
    };
  } catch (err) {
    await ctx.generations.end(owned.id);
    throw err;
  }
}

async function run(
  ctx: ChatContext,
  caller: Caller,
  controller: AbortController,
  turn: {
    conversationId: string;
    history: Message[];
    assistant: Message;
    question: Message;
    modelName: string | undefined;
    created: boolean;
  },
  events: TurnEvents,
): Promise<void> {
  const timeout = AbortSignal.timeout(ctx.limits.turnTimeoutMs);
  const signal = AbortSignal.any([controller.signal, timeout]);
  const toolContext: ToolContext = {
    tasks: userServiceCall(ctx.services.tasks, caller),
    memory: userServiceCall(ctx.services.memory, caller),
  };
  let outcome: TurnOutcome;
  ctx.metrics.running.inc();
  try {
    if (turn.created)
      events.emit(CHAT_EVENTS.messageCreated, {
        messageId: turn.question.id,
        message: toMessageDto(turn.question),
      });
    events.emit(CHAT_EVENTS.messageCreated, {
      messageId: turn.assistant.id,
      message: toMessageDto(turn.assistant),
    });
    outcome = await runTurn({
      ctx,
      conversationId: turn.conversationId,
      history: turn.history,
      assistant: turn.assistant,
      model: ctx.modelFor(caller.authorization),
      modelName: turn.modelName,
      tools: toolsFor(caller.permissions),
      toolContext,
      knowledge: () =>
        gatherKnowledge(turn.question.content, caller.permissions, toolContext, ctx.limits, ctx.logger),
      events,
      signal,
      abortReason: () => (controller.signal.aborted ? (controller.signal.reason as StopReason) : 'timeout'),
    });
  } catch (err) {
    // Only storage failures get here (the agent handles model and tool failures itself).
    ctx.logger.error(
      { err: err instanceof Error ? err.message : String(err) },
      'turn aborted by an internal error',
    );
    events.emit(CHAT_EVENTS.error, {
      messageId: turn.assistant.id,
      code: 'internal',
      message: 'The reply failed; try again.',
    });
    outcome = { messageId: turn.assistant.id, status: 'error', finishReason: 'error' };
  }
  ctx.metrics.running.dec();
  ctx.metrics.turns.inc({ status: outcome.status });
  // Released before the end is announced: a client that reacts to it can start the next turn.
  await ctx.generations.end(turn.conversationId);
  events.emit(CHAT_EVENTS.turnDone, { ...outcome });
  await events.drain();
}

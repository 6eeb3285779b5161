// One turn of the agent: model call → (tool calls → tool results → model call)* → answer, at
// most `maxToolSteps` tool rounds (the round after the last one offers no tools, so the model
// has to answer in text). Every model call streams into its own assistant message; tool calls
// and results are stored as structured messages on the branch. A stop, a timeout or a failure
// ends the turn with the partial text saved and its finish reason; failures also send an error
// event with a message the user can act on.
import type { Prisma } from '../generated/prisma/client.js';
import type { ModelClient, StreamResult } from '../model/model-client.js';
import { classifyModelError, ModelError, noModelConfigured } from '../model/model-errors.js';
import type { Message } from '../store/db.js';
import { toMessageDto, toolCallsOf } from '../store/db.js';
import { insertMessage, updateMessage } from '../store/messages.js';
import { type ToolContext, type ToolDefinition, toModelTool } from '../tools/tool.js';
import type { AgentKnowledge } from './agent-context.js';
import type { ChatContext } from './context.js';
import { buildContext, type HistoryMessage } from './context-builder.js';
import type { StopReason } from './generations.js';
import { executeToolCall } from './tool-executor.js';
import { CHAT_EVENTS, type TurnEvents } from './turn-events.js';

export interface TurnRun {
  ctx: ChatContext;
  conversationId: string;
  /** The active branch up to and including the question this turn answers. */
  history: Message[];
  /** The assistant message the first model call streams into. */
  assistant: Message;
  model: ModelClient;
  /** The model named by the request or the configuration; resolved from ai-bridge otherwise. */
  modelName: string | undefined;
  tools: readonly ToolDefinition[];
  toolContext: ToolContext;
  knowledge: () => Promise<AgentKnowledge>;
  events: TurnEvents;
  signal: AbortSignal;
  /** Why the signal fired (read after it did). */
  abortReason: () => StopReason | 'timeout';
}

const asHistory = (m: Message): HistoryMessage => ({
  role: m.role as HistoryMessage['role'],
  content: m.content,
  toolCalls: toolCallsOf(m),
  toolCallId: m.toolCallId,
  status: m.status,
});

const usageJson = (r: StreamResult): Prisma.InputJsonValue | undefined =>
  r.usage ? { promptTokens: r.usage.promptTokens, completionTokens: r.usage.completionTokens } : undefined;

/** How the turn ended: its last message. */
export interface TurnOutcome {
  messageId: string;
  status: string;
  finishReason: string | null;
}

export async function runTurn(run: TurnRun): Promise<TurnOutcome> {
  const { ctx, events } = run;
  const limits = ctx.limits;
  const turn: Message[] = [];
  let current = run.assistant;
  let text = '';

  const finish = async (data: Prisma.MessageUncheckedUpdateInput): Promise<TurnOutcome> => {
    current = await updateMessage(ctx.db, current.id, { content: text, ...data });
    events.emit(CHAT_EVENTS.messageDone, { messageId: current.id, message: toMessageDto(current) });
    await ctx.db.conversation.update({ where: { id: run.conversationId }, data: { updatedAt: ctx.now() } });
    return { messageId: current.id, status: current.status, finishReason: current.finishReason };
  };

  let modelName = run.modelName;
  try {
    const knowledge = await run.knowledge();
    modelName ??= await run.model.firstModel(run.signal);
    if (!modelName) throw noModelConfigured();
    for (let step = 0; ; step++) {
      const offered = step < limits.maxToolSteps ? run.tools : [];
      const messages = buildContext({
        now: ctx.now(),
        ...knowledge,
        history: [...run.history, ...turn].map(asHistory),
        limits,
        toolNames: offered.map((t) => t.name),
      });
      text = '';
      const result = await run.model.stream(
        {
          model: modelName,
          messages,
          tools: offered.map(toModelTool),
          conversationId: run.conversationId,
          signal: run.signal,
        },
        (delta) => {
          text += delta;
          events.delta(current.id, delta);
        },
      );
      if (result.toolCalls.length === 0 || offered.length === 0) {
        return await finish({
          status: 'complete',
          finishReason: result.toolCalls.length ? 'tool_step_limit' : result.finishReason,
          model: modelName,
          usage: usageJson(result),
        });
      }
      current = await updateMessage(ctx.db, current.id, {
        content: text,
        toolCalls: result.toolCalls.map((c) => ({ id: c.id, name: c.name, arguments: c.arguments })),
        status: 'complete',
        finishReason: 'tool_calls',
        model: modelName,
        usage: usageJson(result),
      });
      turn.push(current);
      for (const call of result.toolCalls)
        events.emit(CHAT_EVENTS.toolCall, { messageId: current.id, toolCall: call });
      events.emit(CHAT_EVENTS.messageDone, { messageId: current.id, message: toMessageDto(current) });
      let parent = current;
      for (const call of result.toolCalls) {
        const outcome = await executeToolCall(call, offered, run.toolContext);
        ctx.metrics.toolCalls.inc({
          tool: offered.some((t) => t.name === call.name) ? call.name : 'unknown',
          outcome: outcome.ok ? 'ok' : 'error',
        });
        parent = await insertMessage(ctx.db, {
          conversationId: run.conversationId,
          parentId: parent.id,
          role: 'tool',
          content: outcome.content,
          toolCallId: call.id,
          toolName: call.name,
          status: 'complete',
          finishReason: outcome.ok ? 'ok' : 'error',
          error: outcome.error,
        });
        turn.push(parent);
        events.emit(CHAT_EVENTS.toolResult, {
          messageId: parent.id,
          toolCallId: call.id,
          name: call.name,
          ok: outcome.ok,
          content: outcome.content,
        });
      }
      text = '';
      current = await insertMessage(ctx.db, {
        conversationId: run.conversationId,
        parentId: parent.id,
        role: 'assistant',
        status: 'streaming',
        model: modelName,
      });
      await ctx.db.conversation.update({
        where: { id: run.conversationId },
        data: { activeLeafId: current.id },
      });
      events.emit(CHAT_EVENTS.messageCreated, { messageId: current.id, message: toMessageDto(current) });
    }
  } catch (err) {
    const reason = run.signal.aborted ? run.abortReason() : undefined;
    const failure = classifyModelError(
      err,
      reason === 'timeout' ? 'timeout' : reason ? 'stopped' : undefined,
    );
    if (failure.code === 'stopped') {
      return await finish({
        status: 'stopped',
        finishReason: reason ?? 'stopped',
        ...(modelName ? { model: modelName } : {}),
      });
    }
    if (!(err instanceof ModelError) && failure.code === 'model_error')
      ctx.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'turn failed');
    ctx.metrics.modelErrors.inc({ code: failure.code });
    events.emit(CHAT_EVENTS.error, { messageId: current.id, code: failure.code, message: failure.message });
    return await finish({
      status: 'error',
      finishReason: 'error',
      error: failure.message,
      ...(modelName ? { model: modelName } : {}),
    });
  }
}

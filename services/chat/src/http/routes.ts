// Binds the chat API (api.ts) to the use cases.
import type { Identity, RouteBinder } from '@elwosa/runtime';
import type { Request, Router } from 'express';
import { chatRoutes } from '../api.js';
import { draftTask, suggestForTask } from '../domain/assist.js';
import type { Caller, ChatContext } from '../domain/context.js';
import {
  activateBranch,
  createConversation,
  deleteConversation,
  getConversation,
  listConversations,
  renameConversation,
  stopGeneration,
} from '../domain/conversations.js';
import { prepareTurn, type TurnRequest } from '../domain/turns.js';
import { streamTurn, wantsEventStream } from './sse.js';

export function callerOf(identity: Identity, req: Request): Caller {
  return {
    userId: identity.userId,
    permissions: identity.permissions,
    authorization: req.headers.authorization ?? '',
    requestId: req.id,
  };
}

export function bindChatRoutes(router: Router, binder: RouteBinder, ctx: ChatContext): void {
  const r = chatRoutes;

  /** Starts a turn: 202 with the ids (events over /ws), or the events as SSE on this response. */
  const startTurn = async (
    identity: Identity,
    req: Request,
    res: import('express').Response,
    id: string,
    request: TurnRequest,
  ) => {
    const turn = await prepareTurn(ctx, callerOf(identity, req), id, request);
    if (wantsEventStream(req)) {
      streamTurn(res, turn);
      return undefined;
    }
    turn.start();
    return { status: 202, body: turn.ids };
  };

  binder.bind(router, r.listConversations, async ({ identity, query }) => ({
    body: await listConversations(ctx, identity.userId, query),
  }));
  binder.bind(router, r.createConversation, async ({ identity, body }) => ({
    status: 201,
    body: await createConversation(ctx, identity.userId, body.title),
  }));
  binder.bind(router, r.getConversation, async ({ identity, params }) => ({
    body: await getConversation(ctx, identity.userId, params.id),
  }));
  binder.bind(router, r.renameConversation, async ({ identity, params, body }) => ({
    body: await renameConversation(ctx, identity.userId, params.id, body.title),
  }));
  binder.bind(router, r.deleteConversation, async ({ identity, params }) => {
    await deleteConversation(ctx, identity.userId, params.id);
    return { status: 204 };
  });
  binder.bind(router, r.sendMessage, ({ identity, params, body, req, res }) =>
    startTurn(identity, req, res, params.id, { kind: 'send', content: body.content, model: body.model }),
  );
  binder.bind(router, r.editMessage, ({ identity, params, body, req, res }) =>
    startTurn(identity, req, res, params.id, {
      kind: 'edit',
      messageId: params.messageId,
      content: body.content,
      model: body.model,
    }),
  );
  binder.bind(router, r.regenerate, ({ identity, params, body, req, res }) =>
    startTurn(identity, req, res, params.id, {
      kind: 'regenerate',
      messageId: params.messageId,
      model: body.model,
    }),
  );
  binder.bind(router, r.activateBranch, async ({ identity, params, body }) => ({
    body: await activateBranch(ctx, identity.userId, params.id, body.messageId),
  }));
  binder.bind(router, r.stop, async ({ identity, params }) => ({
    status: 202,
    body: await stopGeneration(ctx, identity.userId, params.id),
  }));
  binder.bind(router, r.taskDraft, async ({ identity, body, req }) => ({
    body: await draftTask(ctx, callerOf(identity, req), body),
  }));
  binder.bind(router, r.suggestForTask, async ({ identity, params, body, req }) => ({
    body: await suggestForTask(ctx, callerOf(identity, req), params.taskId, body.model),
  }));
}

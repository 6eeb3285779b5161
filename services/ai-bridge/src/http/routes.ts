// Binds the ai-bridge API (api.ts) to its handlers.
import type { RouteBinder } from '@elwosa/runtime';
import type { Router } from 'express';
import { aiRoutes } from '../api.js';
import type { AiServices } from '../domain/chat-call.js';
import { createEmbeddings } from '../domain/embeddings.js';
import { monthWindow } from '../domain/limit-windows.js';
import { ProviderError } from '../domain/types.js';
import { type ChatHttpSettings, handleChatCompletion } from './chat-completions.js';
import type { ModelDirectory } from './model-directory.js';
import { embeddingsBody } from './openai-format.js';
import { type RoutingInfo, routingState } from './routing-state.js';

export interface RouteDeps {
  services: AiServices;
  models: ModelDirectory;
  routing: RoutingInfo;
  limits: { rpm: number; tpm: number; maxStreams: number; monthlyBudgetMicroUsd: number };
  http: ChatHttpSettings;
}

export function bindAiRoutes(router: Router, binder: RouteBinder, deps: RouteDeps): void {
  const { services } = deps;
  binder.bind(router, aiRoutes.chatCompletions, (ctx) => handleChatCompletion(services, deps.http, ctx));

  binder.bind(router, aiRoutes.embeddings, async ({ body, identity, req, res }) => {
    const abort = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) abort.abort(new ProviderError('aborted', 'the client went away'));
    });
    const input = Array.isArray(body.input) ? body.input : [body.input];
    const out = await createEmbeddings(services, {
      userId: identity.userId,
      requestId: req.id,
      model: body.model,
      input,
      dimensions: body.dimensions,
      signal: abort.signal,
    });
    return { body: embeddingsBody(out.model, out.vectors, body.encoding_format ?? 'float', out.inputTokens) };
  });

  binder.bind(router, aiRoutes.models, async () => ({ body: await deps.models.list() }));

  binder.bind(router, aiRoutes.routing, () => ({ body: routingState(deps.routing) }));

  binder.bind(router, aiRoutes.usage, async ({ identity }) => ({
    body: {
      month: monthWindow(Date.now()).key,
      spentMicroUsd: await services.limits.spentThisMonth(identity.userId),
      budgetMicroUsd: deps.limits.monthlyBudgetMicroUsd,
      limits: { rpm: deps.limits.rpm, tpm: deps.limits.tpm, maxStreams: deps.limits.maxStreams },
    },
  }));

  binder.bind(router, aiRoutes.stop, async ({ params, identity }) => {
    await services.running.requestStop(params.id, identity.userId);
    return { status: 202, body: { requestId: params.id, stopping: true } };
  });
}

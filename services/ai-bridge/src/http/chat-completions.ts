// POST /v1/chat/completions: a ChatCall written as OpenAI SSE (headers with the first event; a
// failure after it becomes an in-stream error event) or as one chat.completion object. A
// client that goes away aborts the call and with it the upstream request.
import { HttpProblem, type Identity, type Reply } from '@elwosa/runtime';
import type { Request, Response } from 'express';
import type { ChatCompletionBody } from '../api.js';
import { type AiServices, ChatCall } from '../domain/chat-call.js';
import { aiProblem } from '../domain/errors.js';
import { ProviderError } from '../domain/types.js';
import {
  type CompletionMeta,
  completionBody,
  errorPayload,
  eventChunk,
  roleChunk,
  usageChunk,
} from './openai-format.js';
import { toChatRequest } from './openai-request.js';
import { SseWriter } from './sse.js';

export const CONVERSATION_HEADER = 'x-elwosa-conversation-id';
export const CACHE_HEADER = 'x-elwosa-cache';
export const OVERHEAD_HEADER = 'x-bridge-overhead-ms';

const header = (req: Request, name: string): string | undefined => {
  const v = req.headers[name];
  return typeof v === 'string' && v.length > 0 && v.length <= 200 ? v : undefined;
};

export interface ChatHttpSettings {
  /** Keep-alive comment interval while the first token is awaited. */
  keepAliveMs: number;
}

export async function handleChatCompletion(
  services: AiServices,
  settings: ChatHttpSettings,
  ctx: { body: ChatCompletionBody; identity: Identity; req: Request; res: Response },
): Promise<Reply | undefined> {
  const { body, identity, req, res } = ctx;
  const call = await ChatCall.open(services, {
    userId: identity.userId,
    requestId: req.id,
    request: toChatRequest(body),
    stream: body.stream === true,
    conversationId: header(req, CONVERSATION_HEADER) ?? null,
    cacheOptIn: header(req, CACHE_HEADER)?.toLowerCase() === 'on',
    cacheControl: header(req, 'cache-control'),
  });
  res.once('close', () => {
    if (!res.writableFinished) call.abort.abort(new ProviderError('aborted', 'the client went away'));
  });
  const meta: CompletionMeta = {
    id: `chatcmpl-${req.id}`,
    created: Math.floor(Date.now() / 1000),
    model: body.model,
  };
  const sse =
    body.stream === true
      ? new SseWriter(res, { [CACHE_HEADER]: call.cacheResult }, settings.keepAliveMs)
      : undefined;
  try {
    if (sse) await writeStream(call, meta, sse, body.stream_options?.include_usage === true);
    else {
      // Answered before the bookkeeping (usage event, limits, cache fill), which the client need not wait for.
      const reply = await collect(call, meta);
      res.status(200).set(reply.headers).json(reply.body);
    }
    await call.finish(call.record.failure ? 'error' : 'ok');
    return undefined;
  } catch (err) {
    sse?.stopKeepAlive();
    const status = ChatCall.statusOf(err);
    await call.finish(status);
    if (res.destroyed || res.writableEnded) return undefined;
    if (!res.headersSent) {
      if (status === 'aborted') throw aiProblem(409, 'the request was stopped', 'stopped');
      throw err;
    }
    // The stream is open (keep-alive comments or content went out): end it in-band.
    if (status === 'aborted') {
      // Stopped on request while the client still listens: the answer ends where it stopped.
      await sse?.send(eventChunk(meta, { type: 'done', finishReason: 'stop' }));
      sse?.end(true);
      return undefined;
    }
    const problem = err instanceof HttpProblem ? err : undefined;
    if (!problem) services.logger.error({ err }, 'chat completion failed');
    await sse?.send(errorPayload(problem?.message ?? 'internal error', problemCode(problem)));
    sse?.end(false);
    return undefined;
  }
}

function problemCode(problem: HttpProblem | undefined): string {
  const error = problem?.extensions.error as { code?: unknown } | undefined;
  return typeof error?.code === 'string' ? error.code : 'internal_error';
}

async function writeStream(
  call: ChatCall,
  meta: CompletionMeta,
  sse: SseWriter,
  includeUsage: boolean,
): Promise<undefined> {
  let first = true;
  for await (const event of call.events()) {
    if (first) {
      first = false;
      meta.model = call.record.model ?? meta.model;
      await sse.send(roleChunk(meta));
    }
    if (event.type === 'error') {
      await sse.send(errorPayload(event.message, event.code));
      sse.end(false);
      return undefined;
    }
    const chunk = eventChunk(meta, event);
    if (chunk) await sse.send(chunk);
  }
  if (includeUsage) await sse.send(usageChunk(meta, call.finalUsage().usage));
  sse.end(true);
  return undefined;
}

async function collect(
  call: ChatCall,
  meta: CompletionMeta,
): Promise<{ headers: Record<string, string>; body: unknown }> {
  for await (const event of call.events()) {
    if (event.type === 'error')
      throw aiProblem(502, `the model failed while answering: ${event.message}`, event.code);
  }
  const r = call.record;
  meta.model = r.model ?? meta.model;
  const headers: Record<string, string> = { [CACHE_HEADER]: call.cacheResult };
  if (r.attemptStartedAt !== undefined && r.lastEventAt !== undefined) {
    const total = Date.now() - r.startedAt;
    headers[OVERHEAD_HEADER] = String(Math.max(0, total - (r.lastEventAt - r.attemptStartedAt)));
  }
  return {
    headers,
    body: completionBody(meta, {
      text: r.text,
      toolCalls: r.toolCalls,
      finishReason: r.finishReason ?? 'stop',
      usage: call.finalUsage().usage,
    }),
  };
}

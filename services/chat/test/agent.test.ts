// The agent end to end through the gateway, with a scripted fake model behind ai-bridge:
// tool calls executed through the tasks service as the user (the task arrives as task.created
// on /ws), streaming over /ws and SSE, stop (the upstream sees the abort), a client disconnect
// that does not stop, resume after a reconnect, branching, invalid tool arguments, the tool-step
// limit and mid-stream failures.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scenarios } from '../../../test-support/ai/index.ts';
import { backendKinds } from '../../../test-support/platform.ts';
import { ChatClient } from './support/chat-client.js';
import {
  CHAT_PATH,
  type ChatHarness,
  chatMetric,
  offeredTools,
  startChatHarness,
  upstreamMessages,
  waitUntil,
} from './support/harness.js';
import { deltaText, type Envelope, openSocket, type Socket } from './support/ws.js';

const MAX_TOOL_STEPS = 2;

describe.each(backendKinds())('chat agent (%s backends)', (kind) => {
  let h: ChatHarness;

  beforeAll(async () => {
    h = await startChatHarness({
      kind,
      memory: true,
      env: { ELWOSA_CHAT_MAX_TOOL_STEPS: String(MAX_TOOL_STEPS) },
    });
  });
  afterAll(async () => {
    await h?.stop();
  });

  const setup = async () => {
    const user = await h.newUser();
    const chat = new ChatClient(h.api, user);
    const socket = await openSocket(h.api.baseUrl, user.token);
    const conversationId = await chat.conversation();
    return { user, chat, socket, conversationId };
  };
  const turnDone = (socket: Socket, conversationId: string) =>
    socket.waitFor((m) => m.type === 'chat.turn.done' && m.data.conversationId === conversationId);
  const upstream = () => h.fake!.requestsTo(CHAT_PATH);
  const toolMessages = (body: unknown) => upstreamMessages(body).filter((m) => m.role === 'tool');
  const position = (socket: Socket, predicate: (m: Envelope) => boolean) =>
    socket.received.findIndex(predicate);

  it('creates a task through a tool call: in the task list, announced as task.created, then the answer streams', async () => {
    const { user, chat, socket, conversationId } = await setup();
    const before = upstream().length;
    h.fake!.next(
      scenarios.toolCalls([
        {
          name: 'create_task',
          arguments: { title: 'Buy milk', priority: 'high', steps: ['Go to the shop'] },
        },
      ]),
      scenarios.reply('Done: Buy milk is on your list.'),
    );
    const started = await chat.send(conversationId, 'Remind me to buy milk, it is important');
    const done = await turnDone(socket, conversationId);
    expect(done.data).toMatchObject({ status: 'complete', finishReason: 'stop' });

    const created = await socket.waitFor((m) => m.type === 'task.created');
    expect(created.data).toMatchObject({ title: 'Buy milk', priority: 'high', ownerId: user.id });
    const tasks = await h.api.call<{ items: Array<Record<string, unknown>> }>('GET', '/api/tasks', {
      token: user.token,
    });
    expect(tasks.body.items).toEqual([expect.objectContaining({ id: created.data.id, title: 'Buy milk' })]);

    const call = await socket.waitFor((m) => m.type === 'chat.tool.call');
    expect(call.data).toMatchObject({ conversationId, messageId: started.assistantMessageId });
    expect((call.data.toolCall as { name: string }).name).toBe('create_task');
    const result = await socket.waitFor((m) => m.type === 'chat.tool.result');
    expect(result.data).toMatchObject({ conversationId, name: 'create_task', ok: true });

    // The final answer is a new assistant message after the tool result, streamed as deltas.
    const finalId = String(done.data.messageId);
    expect(finalId).not.toBe(started.assistantMessageId);
    expect(deltaText(socket.received, finalId)).toBe('Done: Buy milk is on your list.');
    const firstFinalDelta = position(
      socket,
      (m) => m.type === 'chat.message.delta' && m.data.messageId === finalId,
    );
    expect(position(socket, (m) => m.type === 'task.created')).toBeLessThan(firstFinalDelta);
    expect(position(socket, (m) => m.type === 'chat.tool.result')).toBeLessThan(firstFinalDelta);

    // The model offered every tool the user may use; the second call carried the tool result.
    const [first, second] = upstream().slice(before);
    expect(offeredTools(first!.body).sort()).toEqual(
      ['complete_step', 'create_task', 'list_tasks', 'recall', 'remember', 'update_task'].sort(),
    );
    const toolReply = toolMessages(second!.body);
    expect(toolReply).toHaveLength(1);
    expect(JSON.parse(toolReply[0]!.content)).toMatchObject({
      created: { id: created.data.id, title: 'Buy milk' },
    });

    // Stored as structured messages on the branch; the title comes from the question.
    const branch = await chat.branch(conversationId);
    expect(branch.body.conversation).toMatchObject({
      title: 'Remind me to buy milk, it is important',
      generating: false,
    });
    expect(branch.body.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    const [, caller, tool, answer] = branch.body.messages;
    expect(caller!.toolCalls).toEqual([
      expect.objectContaining({ name: 'create_task', arguments: expect.stringContaining('Buy milk') }),
    ]);
    expect(tool).toMatchObject({ toolName: 'create_task', finishReason: 'ok' });
    expect(tool!.toolCallId).toBe((caller!.toolCalls as Array<{ id: string }>)[0]!.id);
    expect(answer).toMatchObject({
      content: 'Done: Buy milk is on your list.',
      status: 'complete',
      finishReason: 'stop',
    });
    await socket.close();
  });

  it('remembers a fact through the memory service and brings it into another conversation', async () => {
    const { user, chat, socket, conversationId } = await setup();
    h.fake!.next(
      scenarios.toolCalls([
        {
          name: 'remember',
          arguments: { content: 'The user prefers green tea over coffee', kind: 'preference', pinned: true },
        },
      ]),
      scenarios.reply('Noted.'),
    );
    await chat.send(conversationId, 'I prefer green tea over coffee, remember that');
    await turnDone(socket, conversationId);
    const memories = await h.api.call<{ items: Array<Record<string, unknown>> }>(
      'GET',
      '/api/memory/memories',
      {
        token: user.token,
      },
    );
    expect(memories.body.items).toEqual([
      expect.objectContaining({
        content: 'The user prefers green tea over coffee',
        kind: 'preference',
        pinned: true,
        source: 'chat',
      }),
    ]);

    // A new conversation: the pinned memory is in the system prompt, and recall finds it.
    const next = await chat.conversation();
    const before = upstream().length;
    h.fake!.next(
      scenarios.toolCalls([{ name: 'recall', arguments: { query: 'green tea' } }]),
      scenarios.reply('Green tea it is.'),
    );
    await chat.send(next, 'What should I drink?');
    await turnDone(socket, next);
    const [first, second] = upstream().slice(before);
    const system = upstreamMessages(first!.body).find((m) => m.role === 'system')!;
    expect(system.content).toContain('Pinned memories:\n- The user prefers green tea over coffee');
    const recalled = JSON.parse(toolMessages(second!.body)[0]!.content) as {
      memories: Array<{ content: string }>;
    };
    expect(recalled.memories.map((m) => m.content)).toContain('The user prefers green tea over coffee');
    await socket.close();
  });

  it('streams the answer as server-sent events to a plain HTTP client', async () => {
    const { chat, socket, conversationId } = await setup();
    h.fake!.next(scenarios.reply('Streaming over SSE works fine'));
    const res = await chat.sse(`/conversations/${conversationId}/messages`, { content: 'Does SSE work?' });
    expect(res.status).toBe(200);
    expect(res.contentType).toContain('text/event-stream');
    expect(res.events[0]!.event).toBe('chat.turn.started');
    expect(res.events.at(-1)!.event).toBe('chat.turn.done');
    const assistantId = String(res.events[0]!.data.assistantMessageId);
    const deltas = res.events.filter((e) => e.event === 'chat.message.delta');
    expect(deltas.map((d) => d.data.index)).toEqual(deltas.map((_, i) => i));
    expect(deltas.map((d) => d.data.text).join('')).toBe('Streaming over SSE works fine');
    expect(res.events.find((e) => e.event === 'chat.message.done')!.data).toMatchObject({
      messageId: assistantId,
      message: { content: 'Streaming over SSE works fine', status: 'complete' },
    });
    // The same turn reached the user's sockets too.
    await turnDone(socket, conversationId);
    expect(deltaText(socket.received, assistantId)).toBe('Streaming over SSE works fine');
    await socket.close();
  });

  it('stop aborts the upstream request and keeps the partial answer', async () => {
    const { chat, socket, conversationId } = await setup();
    const before = upstream().length;
    h.fake!.next(scenarios.slow('one two three four five six seven eight nine ten eleven twelve', 250));
    const started = await chat.send(conversationId, 'Count slowly');
    await socket.waitFor(
      (m) => m.type === 'chat.message.delta' && m.data.messageId === started.assistantMessageId,
    );
    expect((await chat.branch(conversationId)).body.conversation.generating).toBe(true);

    const stop = await chat.call('POST', `/conversations/${conversationId}/stop`);
    expect(stop.status).toBe(202);
    expect(stop.body).toEqual({ stopping: true });
    const done = await turnDone(socket, conversationId);
    expect(done.data).toMatchObject({ status: 'stopped', finishReason: 'stopped' });

    const record = upstream()[before]!;
    await waitUntil(() => record.aborted);
    expect(record.completed).toBe(false);
    const answer = (await chat.branch(conversationId)).body.messages.at(-1)!;
    expect(answer).toMatchObject({
      id: started.assistantMessageId,
      status: 'stopped',
      finishReason: 'stopped',
    });
    const partial = String(answer.content);
    expect(partial.length).toBeGreaterThan(0);
    expect('one two three four five six seven eight nine ten eleven twelve'.startsWith(partial)).toBe(true);
    expect(partial).not.toBe('one two three four five six seven eight nine ten eleven twelve');
    expect(socket.received.some((m) => m.type === 'chat.message.error')).toBe(false);

    // The conversation is free again.
    h.fake!.next(scenarios.reply('Next'));
    await chat.send(conversationId, 'Again');
    await socket.waitFor((m) => m.type === 'chat.turn.done' && m.data.status === 'complete');
    await socket.close();
  });

  it('a client that disconnects does not stop the answer', async () => {
    const { chat, socket, conversationId } = await setup();
    const text = 'this answer goes on without the client';
    h.fake!.next(scenarios.slow(text, 60));
    const abort = new AbortController();
    const res = await fetch(`${h.api.baseUrl}/api/chat/conversations/${conversationId}/messages`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${chat.user.token}`,
        'content-type': 'application/json',
        accept: 'text/event-stream',
      },
      body: JSON.stringify({ content: 'go on' }),
      signal: abort.signal,
    });
    const reader = res.body!.getReader();
    await reader.read();
    abort.abort();
    const done = await turnDone(socket, conversationId);
    expect(done.data).toMatchObject({ status: 'complete' });
    const answer = (await chat.branch(conversationId)).body.messages.at(-1)!;
    expect(answer).toMatchObject({ content: text, status: 'complete' });
    await socket.close();
  });

  it('a reconnecting client resumes an answer in flight without lost or duplicated deltas', async () => {
    const { user, chat, socket, conversationId } = await setup();
    const text = 'alpha beta gamma delta epsilon zeta eta theta iota kappa';
    h.fake!.next(scenarios.slow(text, 120));
    const started = await chat.send(conversationId, 'Greek letters please');
    await socket.waitFor(
      (m) => m.type === 'chat.message.delta' && m.data.messageId === started.assistantMessageId,
    );
    await socket.close();
    const seen = socket.received.filter((m) => m.seq !== null);
    const lastSeq = seen.at(-1)!.seq!;
    await new Promise((r) => setTimeout(r, 400));

    const again = await openSocket(h.api.baseUrl, user.token);
    again.ws.send(JSON.stringify({ type: 'resume', data: { lastSeq } }));
    await turnDone(again, conversationId);
    const events = [...seen, ...again.received.filter((m) => m.seq !== null)];
    expect(deltaText(events, started.assistantMessageId)).toBe(text);
    expect(new Set(events.map((e) => e.seq)).size).toBe(events.length);
    await again.close();
  });

  it('regenerate adds a sibling answer, edit forks the question; the active branch follows', async () => {
    const { chat, socket, conversationId } = await setup();
    h.fake!.next(scenarios.reply('First answer'));
    const q1 = await chat.send(conversationId, 'Original question');
    await turnDone(socket, conversationId);

    const before = upstream().length;
    h.fake!.next(scenarios.reply('Second answer'));
    const regen = await chat.call<{ userMessageId: string; assistantMessageId: string }>(
      'POST',
      `/conversations/${conversationId}/messages/${q1.assistantMessageId}/regenerate`,
      {},
    );
    expect(regen.status).toBe(202);
    expect(regen.body.userMessageId).toBe(q1.userMessageId);
    await socket.waitFor(
      (m) => m.type === 'chat.turn.done' && m.data.messageId === regen.body.assistantMessageId,
    );
    // The regenerated answer does not see the answer it replaces.
    const regenPrompt = upstreamMessages(upstream()[before]!.body);
    expect(regenPrompt.filter((m) => m.role !== 'system').map((m) => m.content)).toEqual([
      'Original question',
    ]);
    let branch = (await chat.branch(conversationId)).body.messages;
    expect(branch.map((m) => m.content)).toEqual(['Original question', 'Second answer']);
    expect(branch[1]!.siblingIds).toEqual([q1.assistantMessageId, regen.body.assistantMessageId]);

    h.fake!.next(scenarios.reply('Answer to the edit'));
    const edit = await chat.call<{ userMessageId: string; assistantMessageId: string }>(
      'POST',
      `/conversations/${conversationId}/messages/${q1.userMessageId}/edit`,
      { content: 'Edited question' },
    );
    expect(edit.status).toBe(202);
    await socket.waitFor(
      (m) => m.type === 'chat.turn.done' && m.data.messageId === edit.body.assistantMessageId,
    );
    const viewed = (await chat.branch(conversationId)).body;
    expect(viewed.messages.map((m) => m.content)).toEqual(['Edited question', 'Answer to the edit']);
    expect(viewed.messages[0]!.siblingIds).toEqual([q1.userMessageId, edit.body.userMessageId]);
    expect(viewed.conversation.title).toBe('Edited question');

    // Back to the original question: its newest continuation (the regenerated answer).
    const back = await chat.call<{ messages: Array<{ content: string }> }>(
      'PUT',
      `/conversations/${conversationId}/active-branch`,
      {
        messageId: q1.userMessageId,
      },
    );
    expect(back.status).toBe(200);
    expect(back.body.messages.map((m) => m.content)).toEqual(['Original question', 'Second answer']);

    // A follow-up continues the active branch and sees only its history.
    const followBefore = upstream().length;
    h.fake!.next(scenarios.reply('Follow-up answer'));
    await chat.send(conversationId, 'Follow-up');
    await socket.waitFor(
      (m) =>
        m.type === 'chat.turn.done' &&
        m.data.status === 'complete' &&
        m.data.messageId !== edit.body.assistantMessageId &&
        m.data.messageId !== regen.body.assistantMessageId &&
        m.data.messageId !== q1.assistantMessageId,
    );
    const prompt = upstreamMessages(upstream()[followBefore]!.body).filter((m) => m.role !== 'system');
    expect(prompt.map((m) => m.content)).toEqual(['Original question', 'Second answer', 'Follow-up']);
    branch = (await chat.branch(conversationId)).body.messages;
    expect(branch.map((m) => m.content)).toEqual([
      'Original question',
      'Second answer',
      'Follow-up',
      'Follow-up answer',
    ]);

    // Branches of another message kind are refused.
    const wrong = await chat.call(
      'POST',
      `/conversations/${conversationId}/messages/${q1.assistantMessageId}/edit`,
      {
        content: 'x',
      },
    );
    expect(wrong.status).toBe(400);
    await socket.close();
  });

  it('invalid tool arguments and unknown tools go back to the model as tool errors; nothing runs', async () => {
    const { user, chat, socket, conversationId } = await setup();
    const before = upstream().length;
    const invalidSample = 'chat_tool_calls_total{tool="create_task",outcome="error"}';
    const unknownSample = 'chat_tool_calls_total{tool="unknown",outcome="error"}';
    const [invalidBefore, unknownBefore] = [
      await chatMetric(h.platform, invalidSample),
      await chatMetric(h.platform, unknownSample),
    ];
    h.fake!.next(
      scenarios.toolCalls([
        { name: 'create_task', arguments: { title: '', priority: 'extreme' } },
        { name: 'delete_everything', arguments: {} },
      ]),
      scenarios.reply('Sorry, I could not do that.'),
    );
    await chat.send(conversationId, 'Make a broken task');
    const done = await turnDone(socket, conversationId);
    expect(done.data).toMatchObject({ status: 'complete' });

    const results = socket.received.filter((m) => m.type === 'chat.tool.result');
    expect(results.map((r) => r.data.ok)).toEqual([false, false]);
    const replies = toolMessages(upstream()[before + 1]!.body).map(
      (m) => JSON.parse(m.content) as { error: string },
    );
    expect(replies[0]!.error).toMatch(
      /invalid arguments: .*title.*priority|invalid arguments: .*priority.*title/,
    );
    expect(replies[1]!.error).toMatch(/unknown tool "delete_everything"/);
    const tasks = await h.api.call<{ items: unknown[] }>('GET', '/api/tasks', { token: user.token });
    expect(tasks.body.items).toEqual([]);
    expect(socket.received.some((m) => m.type === 'task.created')).toBe(false);
    const stored = (await chat.branch(conversationId)).body.messages.filter((m) => m.role === 'tool');
    expect(stored.map((m) => m.finishReason)).toEqual(['error', 'error']);
    expect(await chatMetric(h.platform, invalidSample)).toBe(invalidBefore + 1);
    expect(await chatMetric(h.platform, unknownSample)).toBe(unknownBefore + 1);
    await socket.close();
  });

  it(`stops offering tools after ${MAX_TOOL_STEPS} tool rounds in one turn`, async () => {
    const { chat, socket, conversationId } = await setup();
    const before = upstream().length;
    const listing = scenarios.toolCalls([{ name: 'list_tasks', arguments: {} }]);
    h.fake!.next(listing, listing, listing);
    await chat.send(conversationId, 'Keep listing');
    const done = await turnDone(socket, conversationId);
    expect(done.data).toMatchObject({ status: 'complete', finishReason: 'tool_step_limit' });
    const calls = upstream().slice(before);
    expect(calls).toHaveLength(MAX_TOOL_STEPS + 1);
    expect(calls.map((c) => offeredTools(c.body).length > 0)).toEqual([true, true, false]);
    const stored = (await chat.branch(conversationId)).body.messages;
    expect(stored.filter((m) => m.role === 'tool')).toHaveLength(MAX_TOOL_STEPS);
    await socket.close();
  });

  it('a failure mid-stream ends with an error event and keeps the partial text', async () => {
    const { chat, socket, conversationId } = await setup();
    h.fake!.next(scenarios.errorMidstream(['Partial ', 'answer'], 'the model crashed'));
    const started = await chat.send(conversationId, 'Crash please');
    const error = await socket.waitFor((m) => m.type === 'chat.message.error');
    expect(error.data).toMatchObject({ conversationId, messageId: started.assistantMessageId });
    expect(String(error.data.message)).toMatch(/crashed|failed/);
    const done = await turnDone(socket, conversationId);
    expect(done.data).toMatchObject({ status: 'error', finishReason: 'error' });
    const answer = (await chat.branch(conversationId)).body.messages.at(-1)!;
    expect(answer).toMatchObject({ content: 'Partial answer', status: 'error', finishReason: 'error' });
    await socket.close();
  });
});

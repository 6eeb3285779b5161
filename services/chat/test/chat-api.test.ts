// The chat API through the gateway: conversations (create, list with cursor, search by title
// and content, rename, delete), one generation at a time, strict input, another user's
// conversations and messages are 404 everywhere, task assistance validated before it is
// returned — and, with no model provider configured at all, a clear "no model" answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scenarios } from '../../../test-support/ai/index.ts';
import { backendKinds } from '../../../test-support/platform.ts';
import { sql } from '../../tasks/test/support.js';
import { ChatClient } from './support/chat-client.js';
import { CHAT_PATH, type ChatHarness, startChatHarness } from './support/harness.js';
import { openSocket } from './support/ws.js';

const DTO_KEYS = ['activeLeafId', 'createdAt', 'generating', 'id', 'title', 'titleSource', 'updatedAt'];

describe.each(backendKinds())('chat API (%s backends)', (kind) => {
  let h: ChatHarness;

  beforeAll(async () => {
    h = await startChatHarness({ kind });
  });
  afterAll(async () => {
    await h?.stop();
  });

  const client = async () => new ChatClient(h.api, await h.newUser());
  /** Sends a question and waits until its answer is stored. */
  const ask = async (chat: ChatClient, conversationId: string, question: string, answer: string) => {
    h.fake!.next(scenarios.reply(answer));
    const sent = await chat.call<{ assistantMessageId: string }>(
      'POST',
      `/conversations/${conversationId}/messages`,
      {
        content: question,
      },
    );
    expect(sent.status).toBe(202);
    for (let i = 0; i < 200; i++) {
      const branch = await chat.branch(conversationId);
      if (branch.body.messages.at(-1)?.status === 'complete' && !branch.body.conversation.generating)
        return sent.body;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error('the answer did not complete');
  };

  it('creates, renames, lists with a cursor and deletes conversations', async () => {
    const chat = await client();
    const created = await chat.call('POST', '/conversations', {});
    expect(created.status).toBe(201);
    expect(Object.keys(created.body).sort()).toEqual(DTO_KEYS);
    expect(created.body).toMatchObject({
      title: 'New conversation',
      titleSource: 'auto',
      activeLeafId: null,
    });
    const named = await chat.call('POST', '/conversations', { title: '  Weekly planning ' });
    expect(named.body).toMatchObject({ title: 'Weekly planning', titleSource: 'user' });

    const renamed = await chat.call('PATCH', `/conversations/${created.body.id}`, { title: 'Renamed' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ title: 'Renamed', titleSource: 'user' });
    // A renamed conversation keeps its title when the first question arrives.
    await ask(chat, String(created.body.id), 'What is on today?', 'Nothing');
    expect((await chat.branch(String(created.body.id))).body.conversation.title).toBe('Renamed');

    for (let i = 0; i < 3; i++) await chat.conversation(`Extra ${i}`);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: Array<{ id: string }>; nextCursor: string | null } } =
        await chat.call('GET', `/conversations?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((c) => c.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    // Most recently active first: the conversation that just got an answer leads.
    expect(seen[0]).not.toBe(created.body.id);

    expect((await chat.call('DELETE', `/conversations/${created.body.id}`)).status).toBe(204);
    expect((await chat.call('GET', `/conversations/${created.body.id}`)).status).toBe(404);
    expect((await chat.call('DELETE', `/conversations/${created.body.id}`)).status).toBe(404);
  });

  it('searches titles and message content, with LIKE wildcards taken literally', async () => {
    const chat = await client();
    const percent = await chat.conversation('Reached 100% of the goal');
    await chat.conversation('Plain title');
    const byContent = await chat.conversation();
    await ask(chat, byContent, 'Tell me about the zebra crossing', 'Zebras cross here');
    const search = async (q: string) =>
      (
        await chat.call<{ items: Array<{ id: string }> }>('GET', `/conversations?q=${encodeURIComponent(q)}`)
      ).body.items.map((c) => c.id);
    expect(await search('ZEBRA')).toEqual([byContent]);
    expect(await search('zebras cross')).toEqual([byContent]);
    expect(await search('100%')).toEqual([percent]);
    expect(await search('%')).toEqual([percent]);
    expect(await search('_')).toEqual([]);
    // Someone else's matching conversation is not found.
    const other = await client();
    expect((await other.call<{ items: unknown[] }>('GET', '/conversations?q=zebra')).body.items).toEqual([]);
  });

  it("another user's conversations and messages are 404 everywhere", async () => {
    const alice = await client();
    const bob = await client();
    const conversation = await alice.conversation('Private');
    const sent = await ask(alice, conversation, 'Secret question', 'Secret answer');
    const branch = (await alice.branch(conversation)).body.messages;
    const question = String(branch[0]!.id);
    const before = h.fake!.requestsTo(CHAT_PATH).length;
    const attempts: Array<[string, string, unknown?]> = [
      ['GET', `/conversations/${conversation}`],
      ['PATCH', `/conversations/${conversation}`, { title: 'mine now' }],
      ['POST', `/conversations/${conversation}/messages`, { content: 'hi' }],
      ['POST', `/conversations/${conversation}/messages/${question}/edit`, { content: 'x' }],
      ['POST', `/conversations/${conversation}/messages/${sent.assistantMessageId}/regenerate`, {}],
      ['PUT', `/conversations/${conversation}/active-branch`, { messageId: question }],
      ['POST', `/conversations/${conversation}/stop`],
      ['DELETE', `/conversations/${conversation}`],
    ];
    for (const [method, path, body] of attempts) {
      const res = await bob.call(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    // Alice's message ids do not work in Bob's own conversation either.
    const own = await bob.conversation();
    expect(
      (await bob.call('POST', `/conversations/${own}/messages/${question}/edit`, { content: 'x' })).status,
    ).toBe(404);
    expect((await bob.call('POST', `/conversations/${own}/messages/${question}/regenerate`, {})).status).toBe(
      404,
    );
    expect(
      (await bob.call('PUT', `/conversations/${own}/active-branch`, { messageId: question })).status,
    ).toBe(404);
    expect((await bob.call<{ items: unknown[] }>('GET', '/conversations')).body.items).toHaveLength(1);
    // Nothing reached the model, nothing changed for Alice.
    expect(h.fake!.requestsTo(CHAT_PATH).length).toBe(before);
    const after = (await alice.branch(conversation)).body;
    expect(after.conversation.title).toBe('Private');
    expect(after.messages.map((m) => m.content)).toEqual(['Secret question', 'Secret answer']);
  });

  it('refuses unknown fields, malformed ids and out-of-range input (strict input)', async () => {
    const chat = await client();
    const id = await chat.conversation();
    const cases: Array<[string, string, unknown?]> = [
      ['POST', '/conversations', { title: 'x', ownerId: crypto.randomUUID() }],
      ['POST', '/conversations', { title: '' }],
      ['PATCH', `/conversations/${id}`, { title: 'x', titleSource: 'auto' }],
      ['POST', `/conversations/${id}/messages`, { content: 'hi', role: 'system' }],
      ['POST', `/conversations/${id}/messages`, { content: '   ' }],
      ['POST', `/conversations/${id}/messages`, { content: 'x'.repeat(32_001) }],
      ['POST', `/conversations/${id}/messages`, { content: 'hi', model: 'bad model name!' }],
      ['POST', `/conversations/${id}/messages`, { content: 'nul \u0000' }],
      ['GET', '/conversations/not-a-uuid'],
      ['GET', '/conversations?limit=101'],
      ['GET', '/conversations?cursor=%25%25'],
      ['GET', '/conversations?unknown=1'],
      ['PUT', `/conversations/${id}/active-branch`, { messageId: 'nope' }],
      ['POST', '/assist/task-draft', { text: 'x', due: 'tomorrow' }],
    ];
    for (const [method, path, body] of cases) {
      const res = await chat.call(method, path, body);
      expect(res.status, `${method} ${path} ${JSON.stringify(body)?.slice(0, 80)}`).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await chat.call('GET', `/conversations/${id}`)).body).toMatchObject({ messages: [] });
    const anonymous = await h.api.call('GET', '/api/chat/conversations');
    expect(anonymous.status).toBe(401);
  });

  it('runs one generation per conversation at a time', async () => {
    const chat = await client();
    const id = await chat.conversation();
    h.fake!.next(scenarios.slow('a b c d e f', 100));
    const first = await chat.call('POST', `/conversations/${id}/messages`, { content: 'one' });
    expect(first.status).toBe(202);
    const second = await chat.call('POST', `/conversations/${id}/messages`, { content: 'two' });
    expect(second.status).toBe(409);
    expect(
      (await chat.call('PUT', `/conversations/${id}/active-branch`, { messageId: first.body.userMessageId }))
        .status,
    ).toBe(409);
    await chat.call('POST', `/conversations/${id}/stop`);
    for (let i = 0; i < 200 && (await chat.branch(id)).body.conversation.generating; i++)
      await new Promise((r) => setTimeout(r, 25));
    // The refused question was never stored.
    expect((await chat.branch(id)).body.messages.map((m) => m.content)).not.toContain('two');
  });

  it('an answer left streaming by a dead replica reads as interrupted and is settled by the next turn', async () => {
    const chat = await client();
    const id = await chat.conversation();
    const sent = await ask(chat, id, 'Question', 'Answer');
    // What a replica that died mid-answer leaves behind: a streaming message and no lock.
    await sql(h.platform.deps.databaseUrl, `UPDATE chat.messages SET status = 'streaming' WHERE id = $1`, [
      sent.assistantMessageId,
    ]);
    const view = (await chat.branch(id)).body.messages.at(-1)!;
    expect(view).toMatchObject({
      status: 'error',
      finishReason: 'error',
      error: expect.stringMatching(/interrupted/),
    });
    await ask(chat, id, 'Next question', 'Next answer');
    const rows = await sql<{ status: string }>(
      h.platform.deps.databaseUrl,
      'SELECT status FROM chat.messages WHERE id = $1',
      [sent.assistantMessageId],
    );
    expect(rows).toEqual([{ status: 'error' }]);
  });

  it('turns a sentence into a validated task draft', async () => {
    const chat = await client();
    const draft = {
      title: 'Send the invoice',
      dueAt: '2026-05-01T09:00:00+02:00',
      priority: 'high',
      steps: ['Export PDF', 'Email it'],
    };
    h.fake!.next(scenarios.reply(JSON.stringify(draft)));
    const before = h.fake!.requestsTo(CHAT_PATH).length;
    const res = await chat.call('POST', '/assist/task-draft', {
      text: 'Send the invoice by May 1st 9am, important',
      timeZone: 'Europe/Berlin',
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(draft);
    const request = h.fake!.requestsTo(CHAT_PATH)[before]!.body as Record<string, unknown>;
    expect(JSON.stringify(request)).toContain('Europe/Berlin');
    // The response format is the JSON schema generated from the draft's zod schema.
    expect(JSON.stringify(request)).toContain('"required":["title","dueAt","priority","steps"]');

    h.fake!.next(scenarios.reply(JSON.stringify({ ...draft, priority: 'extreme' })));
    const invalid = await chat.call('POST', '/assist/task-draft', { text: 'Something' });
    expect(invalid.status).toBe(502);
    expect(invalid.body.detail).toMatch(/not a valid task draft/);
    h.fake!.next(scenarios.reply('not json at all'));
    expect((await chat.call('POST', '/assist/task-draft', { text: 'Something' })).status).toBe(502);
  });

  it("suggests priority and tags for the caller's task only", async () => {
    const chat = await client();
    const task = await h.api.call<{ id: string }>('POST', '/api/tasks', {
      token: chat.user.token,
      body: { title: 'Fix the production outage', description: 'Customers cannot log in' },
    });
    expect(task.status).toBe(201);
    h.fake!.next(
      scenarios.reply(
        JSON.stringify({
          priority: 'urgent',
          tags: ['Ops', 'ops', 'incident'],
          reason: 'Customers are blocked.',
        }),
      ),
    );
    const before = h.fake!.requestsTo(CHAT_PATH).length;
    const res = await chat.call('POST', `/assist/tasks/${task.body.id}/suggestions`, {});
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      priority: 'urgent',
      tags: ['ops', 'incident'],
      reason: 'Customers are blocked.',
    });
    expect(JSON.stringify(h.fake!.requestsTo(CHAT_PATH)[before]!.body)).toContain(
      'Fix the production outage',
    );

    const other = await client();
    const calls = h.fake!.requestsTo(CHAT_PATH).length;
    expect((await other.call('POST', `/assist/tasks/${task.body.id}/suggestions`, {})).status).toBe(404);
    expect(h.fake!.requestsTo(CHAT_PATH).length).toBe(calls);
  });
});

describe.each(backendKinds())('chat with no model provider configured (%s backends)', (kind) => {
  let h: ChatHarness;

  beforeAll(async () => {
    h = await startChatHarness({ kind, provider: 'none' });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('answers over /ws and SSE that no model is configured, and keeps the question', async () => {
    const user = await h.newUser();
    const chat = new ChatClient(h.api, user);
    const socket = await openSocket(h.api.baseUrl, user.token);
    const id = await chat.conversation();
    const sent = await chat.send(id, 'Hello?');
    const error = await socket.waitFor((m) => m.type === 'chat.message.error');
    expect(error.data).toMatchObject({
      conversationId: id,
      messageId: sent.assistantMessageId,
      code: 'no_model_configured',
    });
    expect(String(error.data.message)).toMatch(/No AI model is configured/);
    await socket.waitFor((m) => m.type === 'chat.turn.done');
    const branch = (await chat.branch(id)).body.messages;
    expect(branch.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(branch[1]).toMatchObject({
      status: 'error',
      finishReason: 'error',
      error: expect.stringMatching(/No AI model is configured/),
    });

    const sse = await chat.sse(`/conversations/${id}/messages`, { content: 'Still there?' });
    expect(sse.status).toBe(200);
    expect(sse.events.find((e) => e.event === 'chat.message.error')!.data).toMatchObject({
      code: 'no_model_configured',
    });
    expect(sse.events.at(-1)!.event).toBe('chat.turn.done');

    // Naming a model skips the model lookup: ai-bridge itself refuses the completion.
    const named = await chat.sse(`/conversations/${id}/messages`, {
      content: 'With a model?',
      model: 'llama3.2',
    });
    expect(named.events.find((e) => e.event === 'chat.message.error')!.data).toMatchObject({
      code: 'no_model_configured',
      message: expect.stringMatching(/No AI model is configured/),
    });

    const draft = await chat.call('POST', '/assist/task-draft', { text: 'Buy milk tomorrow' });
    expect(draft.status).toBe(503);
    expect(draft.body).toMatchObject({
      code: 'no_model_configured',
      detail: expect.stringMatching(/No AI model is configured/),
    });
    await socket.close();
  });
});

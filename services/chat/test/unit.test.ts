// Unit tests for the pure parts: branch resolution, titles, tool-call accumulation, tool schemas
// and argument validation, tool permissions, context building and trimming, model error
// classification, event batching, tool execution decisions, cursors.
import { HttpProblem, permissionsFor } from '@elwosa/runtime';
import { APIConnectionError, APIUserAbortError, InternalServerError, RateLimitError } from 'openai';
import { describe, expect, it, vi } from 'vitest';
import { TaskDraftDto } from '../src/api.js';
import { responseSchema } from '../src/domain/assist.js';
import { activeBranch, MessageTree, type TreeNode } from '../src/domain/branches.js';
import {
  buildContext,
  type ContextLimits,
  estimateTokens,
  type HistoryMessage,
  systemMessage,
  toModelMessages,
  turnsOf,
} from '../src/domain/context-builder.js';
import { INTERRUPTED_MESSAGE, settledView } from '../src/domain/interrupted.js';
import { DEFAULT_TITLE, titleFrom } from '../src/domain/title.js';
import { executeToolCall } from '../src/domain/tool-executor.js';
import { CHAT_EVENTS, TurnEvents } from '../src/domain/turn-events.js';
import { placement } from '../src/domain/turns.js';
import { stripFence } from '../src/model/model-client.js';
import { classifyModelError, NO_MODEL_MESSAGE } from '../src/model/model-errors.js';
import { ToolCallAccumulator } from '../src/model/tool-call-accumulator.js';
import { decodeCursor, escapeLike } from '../src/store/conversations.js';
import { ALL_TOOLS, toolsFor } from '../src/tools/registry.js';
import { createTask, listTasks, updateTask } from '../src/tools/task-tools.js';
import { parametersSchema, type ToolContext, toModelTool, validateArguments } from '../src/tools/tool.js';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
const node = (id: string, parentId: string | null, role: string, s: number): TreeNode => ({
  id,
  parentId,
  role,
  createdAt: at(s),
});

describe('message tree and branches', () => {
  // u1 ─ a1            (first answer)
  //    └ a2 ─ u3 ─ a3  (regenerated answer, continued)
  // u2 ─ a4            (edited first question)
  const tree = new MessageTree([
    node('a3', 'u3', 'assistant', 6),
    node('u1', null, 'user', 1),
    node('a1', 'u1', 'assistant', 2),
    node('a2', 'u1', 'assistant', 3),
    node('u3', 'a2', 'user', 5),
    node('u2', null, 'user', 7),
    node('a4', 'u2', 'assistant', 8),
    node('t1', 'a3', 'tool', 9),
  ]);
  const ids = (nodes: TreeNode[]) => nodes.map((n) => n.id);

  it('follows parents from a leaf to the root', () => {
    expect(ids(tree.pathTo('a3'))).toEqual(['u1', 'a2', 'u3', 'a3']);
    expect(ids(tree.pathTo('missing'))).toEqual([]);
    expect(ids(tree.pathTo(null))).toEqual([]);
  });

  it('lists siblings oldest first, roots included', () => {
    expect(ids(tree.siblingsOf('a2'))).toEqual(['a1', 'a2']);
    expect(ids(tree.siblingsOf('u2'))).toEqual(['u1', 'u2']);
    expect(ids(tree.siblingsOf('a4'))).toEqual(['a4']);
  });

  it('finds the newest continuation below a message', () => {
    expect(tree.newestLeafBelow('u1')?.id).toBe('t1');
    expect(tree.newestLeafBelow('a1')?.id).toBe('a1');
    expect(tree.newestLeaf()?.id).toBe('a4');
  });

  it('finds the question a message belongs to', () => {
    expect(tree.turnStart('a3')?.id).toBe('u3');
    expect(tree.turnStart('t1')?.id).toBe('u3');
    expect(tree.turnStart('u1')?.id).toBe('u1');
  });

  it('resolves the active branch, falling back to the newest leaf', () => {
    expect(ids(activeBranch(tree, 'a1'))).toEqual(['u1', 'a1']);
    expect(ids(activeBranch(tree, null))).toEqual(['u2', 'a4']);
    expect(ids(activeBranch(tree, 'deleted'))).toEqual(['u2', 'a4']);
    expect(activeBranch(new MessageTree([]), null)).toEqual([]);
  });

  it('survives a cycle in corrupt data', () => {
    const cyclic = new MessageTree([node('x', 'y', 'user', 1), node('y', 'x', 'assistant', 2)]);
    expect(ids(cyclic.pathTo('x'))).toEqual(['y', 'x']);
  });
});

describe('where a turn starts', () => {
  const tree = new MessageTree([
    node('u1', null, 'user', 1),
    node('a1', 'u1', 'assistant', 2),
    node('t1', 'a1', 'tool', 3),
    node('a2', 't1', 'assistant', 4),
    node('u2', 'a2', 'user', 5),
    node('a3', 'u2', 'assistant', 6),
  ]) as unknown as Parameters<typeof placement>[0];
  const conversation = { activeLeafId: 'a2' } as Parameters<typeof placement>[1];

  it('asks a new question at the end of the active branch', () => {
    expect(placement(tree, conversation, { kind: 'send', content: 'q' })).toEqual({
      kind: 'new',
      parentId: 'a2',
      content: 'q',
    });
    expect(
      placement(new MessageTree([]) as never, { activeLeafId: null } as never, {
        kind: 'send',
        content: 'q',
      }),
    ).toEqual({
      kind: 'new',
      parentId: null,
      content: 'q',
    });
  });

  it('puts an edited question beside the original', () => {
    expect(placement(tree, conversation, { kind: 'edit', messageId: 'u2', content: 'e' })).toEqual({
      kind: 'new',
      parentId: 'a2',
      content: 'e',
    });
    expect(() => placement(tree, conversation, { kind: 'edit', messageId: 'a1', content: 'e' })).toThrow(
      expect.objectContaining({ status: 400 }),
    );
  });

  it('regenerates the turn of any of its messages, and refuses unknown ids', () => {
    for (const id of ['u1', 'a1', 't1', 'a2'])
      expect(placement(tree, conversation, { kind: 'regenerate', messageId: id })).toMatchObject({
        kind: 'existing',
        question: { id: 'u1' },
      });
    expect(() => placement(tree, conversation, { kind: 'regenerate', messageId: 'elsewhere' })).toThrow(
      expect.objectContaining({ status: 404 }),
    );
  });
});

describe('titles', () => {
  it.each([
    ['Remind me to buy milk, it is important', 'Remind me to buy milk, it is important'],
    ['  **Plan** the `Q3` review.  Then more text.', 'Plan the Q3 review'],
    ['\n\n# Heading line\nsecond line', 'Heading line'],
    ['See [the doc](http://x.example/a) please', 'See the doc please'],
    ['   ', DEFAULT_TITLE],
  ])('%j → %j', (input, title) => {
    expect(titleFrom(input)).toBe(title);
  });

  it('cuts long questions at a word boundary', () => {
    const title = titleFrom('word '.repeat(40));
    expect(title.length).toBeLessThanOrEqual(60);
    expect(title.endsWith('word…')).toBe(true);
    expect(titleFrom('x'.repeat(100))).toHaveLength(60);
  });
});

describe('tool call accumulation', () => {
  it('joins OpenAI argument fragments per index, in index order', () => {
    const acc = new ToolCallAccumulator();
    acc.add([{ index: 1, id: 'b', function: { name: 'recall', arguments: '' } }]);
    acc.add([{ index: 0, id: 'a', function: { name: 'create_task', arguments: '{"ti' } }]);
    acc.add([
      { index: 0, function: { arguments: 'tle":"x"}' } },
      { index: 1, function: { arguments: '{}' } },
    ]);
    expect(acc.result()).toEqual([
      { id: 'a', name: 'create_task', arguments: '{"title":"x"}' },
      { id: 'b', name: 'recall', arguments: '{}' },
    ]);
  });

  it('takes whole calls, keeps a repeated name once and gives id-less calls an id', () => {
    const acc = new ToolCallAccumulator();
    acc.add([{ index: 0, function: { name: 'list_tasks', arguments: '{"limit":3}' } }]);
    acc.add([{ index: 0, function: { name: 'list_tasks' } }]);
    expect(acc.result(() => 'generated')).toEqual([
      { id: 'generated', name: 'list_tasks', arguments: '{"limit":3}' },
    ]);
  });
});

describe('tool schemas and argument validation', () => {
  it('gives the model a JSON schema generated from the zod schema', () => {
    const schema = parametersSchema(createTask);
    expect(schema).toMatchObject({
      type: 'object',
      required: ['title'],
      additionalProperties: false,
      properties: {
        title: { type: 'string', minLength: 1, maxLength: 200 },
        priority: { enum: ['none', 'low', 'medium', 'high', 'urgent'] },
        steps: { type: 'array', items: { type: 'string' } },
      },
    });
    expect(schema).not.toHaveProperty('$schema');
    // Defaults are optional for the model.
    expect(parametersSchema(listTasks).required ?? []).not.toContain('limit');
    expect(toModelTool(updateTask)).toMatchObject({ type: 'function', function: { name: 'update_task' } });
  });

  it('every tool has an object schema, a description and a permission', () => {
    for (const tool of ALL_TOOLS) {
      expect(parametersSchema(tool).type).toBe('object');
      expect(tool.description.length).toBeGreaterThan(10);
      expect(tool.permission).toMatch(/^(tasks|memory):(read|write)$/);
    }
  });

  it('validates the model’s argument text', () => {
    expect(validateArguments(createTask, '{"title":"A","priority":"high"}')).toEqual({
      ok: true,
      args: { title: 'A', priority: 'high' },
    });
    expect(validateArguments(listTasks, '')).toEqual({ ok: true, args: { limit: 10 } });
    expect(validateArguments(createTask, '{"title":')).toEqual({
      ok: false,
      error: 'the arguments are not valid JSON',
    });
    const bad = validateArguments(createTask, '{"title":"","priority":"extreme","owner":"x"}');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatch(/^invalid arguments: .*title.*priority/);
    expect(validateArguments(updateTask, '{"taskId":"8d3f1c1e-0b1a-4c6e-9f3e-111111111111"}').ok).toBe(false);
  });

  it('offers only the tools the user’s permissions allow', () => {
    expect(toolsFor(permissionsFor(['user'])).map((t) => t.name)).toEqual([
      'create_task',
      'update_task',
      'list_tasks',
      'complete_step',
      'remember',
      'recall',
    ]);
    expect(toolsFor(new Set(['tasks:read', 'memory:read'])).map((t) => t.name)).toEqual([
      'list_tasks',
      'recall',
    ]);
    expect(toolsFor(new Set())).toEqual([]);
  });
});

describe('tool execution', () => {
  const ctx = (tasks: ToolContext['tasks']): ToolContext => ({ tasks, memory: vi.fn() });

  it('runs a valid call with the parsed arguments, as the given service call', async () => {
    const tasks = vi.fn(async () => ({ items: [] }));
    const outcome = await executeToolCall(
      { id: 'c', name: 'list_tasks', arguments: '{"query":"milk"}' },
      ALL_TOOLS,
      ctx(tasks as never),
    );
    expect(outcome).toEqual({ ok: true, content: '{"tasks":[]}', error: null });
    expect(tasks).toHaveBeenCalledWith(
      'GET',
      '/api/tasks?status=todo%2Cin_progress%2Cblocked&limit=10&q=milk',
    );
  });

  it('refuses unknown or not offered tools and invalid arguments without running anything', async () => {
    const tasks = vi.fn();
    const offered = [listTasks];
    const unknown = await executeToolCall(
      { id: 'c', name: 'create_task', arguments: '{"title":"x"}' },
      offered,
      ctx(tasks),
    );
    expect(unknown.ok).toBe(false);
    expect(unknown.error).toBe('unknown tool "create_task"; available: list_tasks');
    const invalid = await executeToolCall(
      { id: 'c', name: 'list_tasks', arguments: '{"limit":99}' },
      offered,
      ctx(tasks),
    );
    expect(invalid).toMatchObject({ ok: false, error: expect.stringContaining('limit') });
    expect(JSON.parse(invalid.content)).toEqual({ error: invalid.error });
    expect(tasks).not.toHaveBeenCalled();
  });

  it('turns a failing service call into a tool error', async () => {
    const tasks = vi.fn(async () => {
      throw new HttpProblem(404, 'task not found');
    });
    const outcome = await executeToolCall(
      {
        id: 'c',
        name: 'complete_step',
        arguments: JSON.stringify({ taskId: crypto.randomUUID(), stepId: crypto.randomUUID() }),
      },
      ALL_TOOLS,
      ctx(tasks),
    );
    expect(outcome).toMatchObject({ ok: false, error: 'complete_step failed (404): task not found' });
  });
});

describe('context building', () => {
  const limits: ContextLimits = {
    contextTokens: 10_000,
    maxPinned: 2,
    maxRecalled: 2,
    maxTasks: 2,
    maxItemChars: 40,
  };
  const memory = (id: string, content: string) => ({ id, kind: 'fact', content, tags: [], pinned: false });
  const task = (id: string, title: string) => ({
    id,
    title,
    status: 'todo',
    priority: 'high',
    dueAt: '2026-02-01T00:00:00.000Z',
    tags: [],
    steps: [
      { id: `${id}-s1`, title: 'first step', done: true },
      { id: `${id}-s2`, title: 'second step', done: false },
    ],
  });
  const msg = (
    role: HistoryMessage['role'],
    content: string,
    extra: Partial<HistoryMessage> = {},
  ): HistoryMessage => ({
    role,
    content,
    toolCalls: null,
    toolCallId: null,
    status: 'complete',
    ...extra,
  });
  const base = {
    now: new Date('2026-03-04T05:06:07Z'),
    pinned: [],
    recalled: [],
    openTasks: [],
    limits,
    toolNames: ['list_tasks'],
  };

  it('puts bounded memories and open tasks into the system message', () => {
    const text = systemMessage({
      ...base,
      pinned: [
        memory('p1', 'Prefers short answers'),
        memory('p2', 'Works in Berlin'),
        memory('p3', 'never shown'),
      ],
      recalled: [memory('p1', 'Prefers short answers'), memory('r1', `Likes tea ${'x'.repeat(100)}`)],
      openTasks: [task('t1', 'Write report'), task('t2', 'Call Anna'), task('t3', 'never shown')],
    });
    expect(text).toContain('Now: 2026-03-04T05:06:07.000Z (Wednesday)');
    expect(text).toContain('- Prefers short answers\n- Works in Berlin');
    expect(text).not.toContain('never shown');
    // A pinned memory is not repeated among the recalled ones; long items are cut.
    expect(text.match(/Prefers short answers/g)).toHaveLength(1);
    expect(text).toMatch(/- Likes tea x+…\n/);
    expect(text).toContain('[t1] Write report · todo · priority high');
    expect(text).toContain('[t1-s2] second step');
    expect(text).not.toContain('[t1-s1]');
    const long = systemMessage({ ...base, openTasks: [task('t-long', 'y'.repeat(200))] });
    expect(long).toMatch(/\[t-long\] y{39}… · todo/);
    expect(systemMessage({ ...base, toolNames: [] })).toContain('No tools are available');
    expect(systemMessage(base)).toContain('The user has no open tasks.');
  });

  it('sends tool calls only together with their results, and skips messages still streaming', () => {
    const history = [
      msg('user', 'q'),
      msg('assistant', '', {
        toolCalls: [
          { id: 'c1', name: 'list_tasks', arguments: '{}' },
          { id: 'c2', name: 'recall', arguments: '{}' },
        ],
      }),
      msg('tool', '{"tasks":[]}', { toolCallId: 'c1' }),
      msg('tool', 'orphan', { toolCallId: 'zz' }),
      msg('assistant', 'partial', { status: 'streaming' }),
      msg('assistant', ''),
    ];
    expect(toModelMessages(history)).toEqual([
      { role: 'user', content: 'q' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'list_tasks', arguments: '{}' } }],
      },
      { role: 'tool', tool_call_id: 'c1', content: '{"tasks":[]}' },
    ]);
  });

  it('drops the oldest whole turns past the budget, never the current question', () => {
    const long = 'x'.repeat(400);
    const history = [
      msg('user', `old ${long}`),
      msg('assistant', `old answer ${long}`),
      msg('user', `middle ${long}`),
      msg('assistant', `middle answer ${long}`),
      msg('user', 'current question'),
    ];
    const system = systemMessage(base);
    const turnSize = estimateTokens(`middle ${long}`) + estimateTokens(`middle answer ${long}`);
    const budget = estimateTokens(system) + turnSize + estimateTokens('current question') + 5;
    const messages = buildContext({ ...base, history, limits: { ...limits, contextTokens: budget } });
    expect(messages.map((m) => String(m.content).slice(0, 6))).toEqual([
      'You ar',
      'middle',
      'middle',
      'curren',
    ]);
    const tiny = buildContext({ ...base, history, limits: { ...limits, contextTokens: 1 } });
    expect(tiny.map((m) => m.role)).toEqual(['system', 'user']);
    expect(tiny[1]!.content).toBe('current question');
  });

  it('groups messages into turns at each question', () => {
    const turns = turnsOf([
      { role: 'assistant', content: 'greeting' },
      { role: 'user', content: 'a' },
      { role: 'assistant', content: 'b' },
      { role: 'user', content: 'c' },
    ]);
    expect(turns.map((t) => t.length)).toEqual([1, 2, 1]);
  });
});

describe('model errors', () => {
  const headers = (h: Record<string, string> = {}) => new Headers(h);

  it('recognises ai-bridge’s "no provider configured" answer', () => {
    const err = new InternalServerError(
      503,
      { message: 'no model provider configured (set OLLAMA_URLS or OPENAI_API_KEY)' },
      undefined,
      headers(),
    );
    expect(classifyModelError(err)).toMatchObject({ code: 'no_model_configured', message: NO_MODEL_MESSAGE });
    const busy = new InternalServerError(503, { message: 'server busy' }, undefined, headers());
    expect(classifyModelError(busy).code).toBe('model_unavailable');
  });

  it('classifies rate limits, unreachable bridges, aborts and timeouts', () => {
    const limited = classifyModelError(
      new RateLimitError(429, { message: 'slow down' }, undefined, headers({ 'retry-after': '7' })),
    );
    expect(limited).toMatchObject({ code: 'rate_limited', retryAfterSeconds: 7 });
    expect(classifyModelError(new APIConnectionError({ message: 'refused' })).code).toBe('model_unavailable');
    expect(classifyModelError(new APIUserAbortError()).code).toBe('stopped');
    expect(classifyModelError(new Error('x'), 'timeout').code).toBe('timeout');
    expect(classifyModelError(new Error('x'), 'stopped').code).toBe('stopped');
    expect(classifyModelError(new Error('boom'))).toMatchObject({ code: 'model_error', message: 'boom' });
  });
});

describe('turn events', () => {
  const collect = () => {
    const published: Array<[string, Record<string, unknown>]> = [];
    return {
      published,
      publish: async (type: string, data: Record<string, unknown>) => void published.push([type, data]),
    };
  };

  it('batches deltas per message, numbers them, and keeps the emission order', async () => {
    vi.useFakeTimers();
    try {
      const { published, publish } = collect();
      const events = new TurnEvents('c1', publish, 30, () => {});
      const local: string[] = [];
      events.on((type) => local.push(type));
      events.delta('m1', 'Hel');
      events.delta('m1', 'lo');
      await vi.advanceTimersByTimeAsync(31);
      events.delta('m1', ' world');
      events.delta('m2', 'next');
      events.emit(CHAT_EVENTS.messageDone, { messageId: 'm2' });
      await events.drain();
      expect(published).toEqual([
        ['chat.message.delta', { conversationId: 'c1', messageId: 'm1', index: 0, text: 'Hello' }],
        ['chat.message.delta', { conversationId: 'c1', messageId: 'm1', index: 1, text: ' world' }],
        ['chat.message.delta', { conversationId: 'c1', messageId: 'm2', index: 0, text: 'next' }],
        ['chat.message.done', { conversationId: 'c1', messageId: 'm2' }],
      ]);
      expect(local).toEqual(published.map(([t]) => t));
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps publishing after a failed publish', async () => {
    const errors: unknown[] = [];
    const published: string[] = [];
    let fail = true;
    const events = new TurnEvents(
      'c1',
      async (type) => {
        if (fail) {
          fail = false;
          throw new Error('cache down');
        }
        published.push(type);
      },
      0,
      (err) => errors.push(err),
    );
    events.emit(CHAT_EVENTS.messageCreated, { messageId: 'm' });
    events.emit(CHAT_EVENTS.turnDone, { messageId: 'm' });
    await events.drain();
    expect(errors).toHaveLength(1);
    expect(published).toEqual(['chat.turn.done']);
  });
});

describe('interrupted answers', () => {
  const streaming = { id: 'm', status: 'streaming', finishReason: null, error: null };

  it('shows a message left streaming as failed when nothing generates', () => {
    expect(settledView(streaming, false)).toEqual({
      id: 'm',
      status: 'error',
      finishReason: 'error',
      error: INTERRUPTED_MESSAGE,
    });
    expect(settledView(streaming, true)).toBe(streaming);
    const done = { ...streaming, status: 'complete', finishReason: 'stop' };
    expect(settledView(done, false)).toBe(done);
  });
});

describe('small helpers', () => {
  it('strips a markdown fence around JSON', () => {
    expect(stripFence('```json\n{"a":1}\n```')).toBe('{"a":1}');
    expect(stripFence(' {"a":1} ')).toBe('{"a":1}');
  });

  it('generates the response schema of task assistance from the DTO', () => {
    expect(responseSchema(TaskDraftDto)).toMatchObject({
      type: 'object',
      required: ['title', 'dueAt', 'priority', 'steps'],
      properties: { priority: { enum: ['none', 'low', 'medium', 'high', 'urgent'] } },
    });
  });

  it('escapes LIKE wildcards and refuses malformed cursors', () => {
    expect(escapeLike('50%_a\\b')).toBe('50\\%\\_a\\\\b');
    expect(() => decodeCursor('not a cursor!')).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => decodeCursor(Buffer.from('{"u":"x","i":"y"}').toString('base64url'))).toThrow(
      expect.objectContaining({ status: 400 }),
    );
  });
});

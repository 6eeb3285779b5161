// The dashboard's pure parts, without a browser: applying chat events (ordering, gaps, replays),
// task filters (the offline view and live events), form values ↔ API bodies, query strings.
import { describe, expect, it } from 'vitest';
import { toQueryString } from '../src/api/http.ts';
import type { Message, Task } from '../src/api/types.ts';
import { applyChatEvent, type ChatView } from '../src/pages/chat/chat-events.ts';
import { filtersFromSearch, isOverdue, matches, NO_FILTERS, toQuery } from '../src/tasks/task-filter.ts';
import { bodyOf, formOf, toLocalInput } from '../src/tasks/task-form.ts';

const conv = '00000000-0000-4000-8000-000000000001';
const msg = (id: string, over: Partial<Message> = {}): Message => ({
  id,
  conversationId: conv,
  parentId: null,
  role: 'assistant',
  content: '',
  toolCalls: null,
  toolCallId: null,
  toolName: null,
  status: 'streaming',
  finishReason: null,
  error: null,
  model: 'llama3.2',
  createdAt: '2026-11-21T10:00:00.000Z',
  ...over,
});
const task = (over: Partial<Task> = {}): Task => ({
  id: 't1',
  ownerId: 'u1',
  title: 'Plan the offsite',
  description: 'Two days in the mountains',
  status: 'todo',
  priority: 'high',
  dueAt: null,
  startAt: null,
  tags: ['work'],
  steps: [{ id: 's1', title: 'Book venue', done: false }],
  progress: { done: 0, total: 1, percent: 0 },
  version: 1,
  createdAt: '2026-11-21T10:00:00.000Z',
  updatedAt: '2026-11-21T10:00:00.000Z',
  completedAt: null,
  ...over,
});

describe('chat events', () => {
  const start: ChatView = { messages: [], generating: false, nextDelta: {} };
  const ev = (messageId: string, data: Record<string, unknown> = {}) => ({
    conversationId: conv,
    messageId,
    ...data,
  });

  it('streams deltas in order, ignores replayed ones and reloads on a gap', () => {
    let { view } = applyChatEvent(start, 'chat.message.created', ev('m1', { message: msg('m1') }));
    expect(view.generating).toBe(true);
    view = applyChatEvent(view, 'chat.message.delta', ev('m1', { index: 0, text: 'Hel' })).view;
    view = applyChatEvent(view, 'chat.message.delta', ev('m1', { index: 1, text: 'lo' })).view;
    const replay = applyChatEvent(view, 'chat.message.delta', ev('m1', { index: 1, text: 'lo' }));
    expect(replay.view.messages[0]?.content).toBe('Hello');
    expect(replay.reload).toBeUndefined();
    const gap = applyChatEvent(view, 'chat.message.delta', ev('m1', { index: 3, text: 'x' }));
    expect(gap.reload).toBe(true);
    expect(gap.view.messages[0]?.content).toBe('Hello');
  });

  it('adds tool calls once, tool results as messages, errors, and ends the turn', () => {
    let { view } = applyChatEvent(start, 'chat.message.created', ev('m1', { message: msg('m1') }));
    const call = { id: 'c1', name: 'create_task', arguments: '{}' };
    view = applyChatEvent(view, 'chat.tool.call', ev('m1', { toolCall: call })).view;
    view = applyChatEvent(view, 'chat.tool.call', ev('m1', { toolCall: call })).view;
    expect(view.messages[0]?.toolCalls).toEqual([call]);
    view = applyChatEvent(
      view,
      'chat.tool.result',
      ev('m2', { toolCallId: 'c1', name: 'create_task', ok: true, content: '{"created":{"id":"t1"}}' }),
    ).view;
    expect(view.messages[1]).toMatchObject({ role: 'tool', toolName: 'create_task', finishReason: 'ok' });
    view = applyChatEvent(view, 'chat.message.error', ev('m1', { message: 'model down' })).view;
    expect(view.messages[0]).toMatchObject({ status: 'error', error: 'model down' });
    const done = applyChatEvent(view, 'chat.turn.done', ev('m1'));
    expect(done.view.generating).toBe(false);
    expect(done.reload).toBe(true);
  });
});

describe('task filters', () => {
  it('read from the URL and become the API query', () => {
    const f = filtersFromSearch(new URLSearchParams('q=offsite&status=todo&tag=work&overdue=true'));
    expect(toQuery(f)).toEqual({ q: 'offsite', status: ['todo'], tag: 'work', overdue: true });
    expect(toQuery(NO_FILTERS)).toEqual({});
  });

  it('match tasks like the server does (search over title, description and steps)', () => {
    expect(matches(task(), { ...NO_FILTERS, q: 'mountains venue' })).toBe(true);
    expect(matches(task(), { ...NO_FILTERS, q: 'beach' })).toBe(false);
    expect(matches(task(), { ...NO_FILTERS, status: 'done' })).toBe(false);
    expect(matches(task(), { ...NO_FILTERS, tag: 'home' })).toBe(false);
    expect(matches(task(), { ...NO_FILTERS, priority: 'high' })).toBe(true);
  });

  it('call open tasks past their due time overdue', () => {
    const now = Date.parse('2026-11-21T12:00:00Z');
    expect(isOverdue(task({ dueAt: '2026-11-21T11:00:00Z' }), now)).toBe(true);
    expect(isOverdue(task({ dueAt: '2026-11-21T11:00:00Z', status: 'done' }), now)).toBe(false);
    expect(isOverdue(task({ dueAt: '2026-11-21T13:00:00Z' }), now)).toBe(false);
  });
});

describe('task form', () => {
  it('round-trips a task through the form values', () => {
    const t = task({ dueAt: '2030-05-01T07:00:00.000Z', tags: ['work', 'team'] });
    const values = formOf(t);
    expect(values.tags).toBe('work, team');
    expect(values.dueAt).toBe(toLocalInput(t.dueAt));
    expect(bodyOf(values)).toEqual({
      title: t.title,
      description: t.description,
      status: 'todo',
      priority: 'high',
      dueAt: '2030-05-01T07:00:00.000Z',
      tags: ['work', 'team'],
    });
    expect(bodyOf({ ...values, dueAt: '', tags: ' , ' })).toMatchObject({ dueAt: null, tags: [] });
  });
});

describe('query strings', () => {
  it('skip empty values and join lists', () => {
    expect(toQueryString({ status: ['todo', 'blocked'], q: '', cursor: undefined, limit: 5, x: null })).toBe(
      '?status=todo%2Cblocked&limit=5',
    );
    expect(toQueryString({})).toBe('');
  });
});

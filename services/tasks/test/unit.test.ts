// Pure parts of the tasks service: cursors, the list query builder, status transitions,
// progress, step operations, patches, If-Match and request fingerprints.
import { HttpProblem, OUTBOX_GRACE_MS } from '@elwosa/runtime';
import { describe, expect, it } from 'vitest';
import { checkPrecondition, etagOf, parseIfMatch } from '../src/domain/concurrency.js';
import {
  decodeChangeCursor,
  decodeListCursor,
  encodeChangeCursor,
  encodeListCursor,
  parseSort,
} from '../src/domain/cursor.js';
import { canonicalJson, parseIdempotencyKey, requestFingerprint } from '../src/domain/idempotency.js';
import { type Step, StepNotFoundError, TaskRuleError, type TaskState } from '../src/domain/model.js';
import { applyPatch, newTaskState, normalizeTags } from '../src/domain/patch.js';
import { progressOf } from '../src/domain/progress.js';
import { sameState } from '../src/domain/same-state.js';
import { transition } from '../src/domain/status.js';
import { addStep, editStep, removeStep, reorderSteps, toggleStep } from '../src/domain/steps.js';
import { buildListQuery, filterConditions } from '../src/store/list-query.js';
import { insertTask, selectOwnedTask, updateAtVersion } from '../src/store/task-sql.js';

const OWNER = '11111111-1111-4111-8111-111111111111';
const ID = '22222222-2222-4222-8222-222222222222';
const NOW = new Date('2026-03-04T05:06:07.000Z');

function statusOf(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof HttpProblem) return err.status;
    throw err;
  }
  return undefined;
}

describe('cursors', () => {
  it('round-trips a list position and refuses it for another sort', () => {
    const cursor = encodeListCursor({ sort: '-createdAt', value: NOW.toISOString(), id: ID });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeListCursor(cursor, '-createdAt')).toEqual({
      sort: '-createdAt',
      value: NOW.toISOString(),
      id: ID,
    });
    expect(statusOf(() => decodeListCursor(cursor, 'createdAt'))).toBe(400);
  });

  it('keeps a null due date and a numeric priority, and refuses values of the wrong kind', () => {
    expect(
      decodeListCursor(encodeListCursor({ sort: 'dueAt', value: null, id: ID }), 'dueAt').value,
    ).toBeNull();
    expect(decodeListCursor(encodeListCursor({ sort: 'priority', value: 3, id: ID }), 'priority').value).toBe(
      3,
    );
    expect(
      statusOf(() =>
        decodeListCursor(
          encodeListCursor({ sort: 'priority', value: NOW.toISOString(), id: ID }),
          'priority',
        ),
      ),
    ).toBe(400);
    expect(
      statusOf(() =>
        decodeListCursor(encodeListCursor({ sort: 'createdAt', value: null, id: ID }), 'createdAt'),
      ),
    ).toBe(400);
  });

  it.each([
    'garbage!',
    '',
    Buffer.from('not json').toString('base64url'),
    Buffer.from('{"s":"-createdAt","v":"x","i":"y"}').toString('base64url'),
    Buffer.from(`{"s":"-createdAt","v":"${NOW.toISOString()}","i":"${ID}","x":1}`).toString('base64url'),
    'A'.repeat(600),
  ])('refuses the garbage cursor %#', (cursor) => {
    expect(statusOf(() => decodeListCursor(cursor, '-createdAt'))).toBe(400);
  });

  it('round-trips change cursors and refuses garbage', () => {
    expect(decodeChangeCursor(encodeChangeCursor(123_456_789_012n))).toBe(123_456_789_012n);
    expect(statusOf(() => decodeChangeCursor('eyJjIjoiLTEifQ'))).toBe(400);
    expect(statusOf(() => decodeChangeCursor('%%%'))).toBe(400);
  });

  it('accepts only allow-listed sorts', () => {
    expect(parseSort('-dueAt')).toEqual({ field: 'dueAt', direction: 'desc' });
    expect(parseSort('priority')).toEqual({ field: 'priority', direction: 'asc' });
    expect(statusOf(() => parseSort('title; DROP TABLE tasks'))).toBe(400);
    expect(statusOf(() => parseSort('owner_id'))).toBe(400);
  });
});

describe('list query builder', () => {
  it('always scopes to the owner and live rows, with values only as parameters', () => {
    const q = buildListQuery(
      { ownerId: OWNER, q: "' OR 1=1 --" },
      { field: 'createdAt', direction: 'desc' },
      undefined,
      51,
      NOW,
    );
    expect(q.sql).toContain('t.owner_id = ?::uuid');
    expect(q.sql).toContain('t.deleted_at IS NULL');
    expect(q.sql).toContain("websearch_to_tsquery('simple', ?)");
    expect(q.sql).not.toContain('OR 1=1');
    expect(q.values).toEqual([OWNER, "' OR 1=1 --", 51]);
    expect(q.sql).toMatch(/ORDER BY t\.created_at DESC, t\.id DESC\s+LIMIT \?$/);
  });

  it('turns every filter into a parameterised condition', () => {
    const where = filterConditions(
      {
        ownerId: OWNER,
        status: ['todo', 'blocked'],
        priority: ['high', 'urgent'],
        tag: 'home',
        overdue: true,
        dueBefore: new Date('2026-04-01T00:00:00Z'),
        dueAfter: new Date('2026-01-01T00:00:00Z'),
      },
      NOW,
    );
    const sql = where.map((w) => w.sql);
    expect(sql).toContain('t.status IN (?,?)');
    expect(sql).toContain('t.priority IN (?,?)');
    expect(sql).toContain('t.tags @> ARRAY[?]::text[]');
    expect(sql).toContain("(t.due_at < ?::timestamptz AND t.status NOT IN ('done', 'cancelled'))");
    expect(where.flatMap((w) => w.values)).toEqual([
      OWNER,
      'todo',
      'blocked',
      3,
      4,
      'home',
      NOW.toISOString(),
      '2026-04-01T00:00:00.000Z',
      '2026-01-01T00:00:00.000Z',
    ]);
  });

  it('negates overdue without dropping tasks that have no due date', () => {
    const [, , notOverdue] = filterConditions({ ownerId: OWNER, overdue: false }, NOW);
    expect(notOverdue?.sql).toMatch(/^NOT coalesce\(\(t\.due_at < .*\), false\)$/);
  });

  it('continues after the cursor in the sort direction, nulls last for due dates', () => {
    const asc = buildListQuery(
      { ownerId: OWNER },
      { field: 'dueAt', direction: 'asc' },
      { sort: 'dueAt', value: null, id: ID },
      10,
      NOW,
    );
    expect(asc.sql).toContain(
      "(coalesce(t.due_at, 'infinity'::timestamptz), t.id) > (coalesce(?::timestamptz, 'infinity'::timestamptz), ?::uuid)",
    );
    expect(asc.values).toEqual([OWNER, null, ID, 10]);
    const desc = buildListQuery(
      { ownerId: OWNER },
      { field: 'priority', direction: 'desc' },
      { sort: '-priority', value: 2, id: ID },
      10,
      NOW,
    );
    expect(desc.sql).toContain('(t.priority, t.id) < (?::smallint, ?::uuid)');
    expect(desc.sql).toContain('ORDER BY t.priority DESC, t.id DESC');
  });
});

describe('single-task statements', () => {
  const state = newTaskState(
    { title: "x'); DROP TABLE t; --", dueAt: NOW, tags: ['a'] },
    [{ id: 's', title: 'y', done: true }],
    NOW,
  );

  it('reads and writes only the owner’s live task, values as parameters', () => {
    const read = selectOwnedTask(OWNER, ID);
    expect(read.sql).toMatch(/WHERE t\.id = \?::uuid AND t\.owner_id = \?::uuid AND t\.deleted_at IS NULL$/);
    expect(read.values).toEqual([ID, OWNER]);
    const write = updateAtVersion(OWNER, ID, 7, { state }, NOW);
    expect(write.sql).toContain(
      'WHERE t.id = ?::uuid AND t.owner_id = ?::uuid AND t.version = ?::int AND t.deleted_at IS NULL',
    );
    expect(write.sql).toContain('version = t.version + 1');
    expect(write.sql).not.toContain('DROP TABLE');
    expect(write.values.slice(-6, -2)).toEqual([NOW.toISOString(), ID, OWNER, 7]);
    // The same statement records the change in the event outbox, due after the grace period.
    expect(write.sql).toMatch(
      /^WITH written AS \(UPDATE .*\), recorded AS \(INSERT INTO "tasks"\."deferred_events"/s,
    );
    expect(write.values.slice(-2)).toEqual([
      NOW.toISOString(),
      new Date(NOW.getTime() + OUTBOX_GRACE_MS).toISOString(),
    ]);
    expect(write.values).toContain('[{"id":"s","title":"y","done":true}]');
  });

  it('tombstones with deleted_at and inserts every state column', () => {
    const del = updateAtVersion(OWNER, ID, 2, { deletedAt: NOW }, NOW);
    expect(del.sql).toMatch(
      /SET deleted_at = \?::timestamptz, version = t\.version \+ 1, updated_at = \?::timestamptz/,
    );
    const insert = insertTask(ID, OWNER, state, NOW);
    expect(insert.sql).toContain(
      '(id, owner_id, title, description, status, priority, due_at, start_at, tags, steps, completed_at, created_at, updated_at)',
    );
    expect(insert.values).toEqual([
      ID,
      OWNER,
      state.title,
      '',
      'todo',
      0,
      NOW.toISOString(),
      null,
      ['a'],
      '[{"id":"s","title":"y","done":true}]',
      null,
      NOW.toISOString(),
      NOW.toISOString(),
      NOW.toISOString(),
      new Date(NOW.getTime() + OUTBOX_GRACE_MS).toISOString(),
    ]);
    expect(insert.sql).toMatch(
      /^WITH written AS \(INSERT .*\), recorded AS \(INSERT INTO "tasks"\."deferred_events"/s,
    );
  });
});

describe('status transitions and progress', () => {
  const open = { status: 'todo' as const, completedAt: null };

  it('sets completedAt on done, keeps it while done, clears it when reopened', () => {
    const done = transition(open, 'done', NOW);
    expect(done).toEqual({ status: 'done', completedAt: NOW });
    expect(transition(done, 'done', new Date(0))).toBe(done);
    expect(transition(done, 'in_progress', NOW)).toEqual({ status: 'in_progress', completedAt: null });
    expect(transition(done, 'cancelled', NOW)).toEqual({ status: 'cancelled', completedAt: null });
  });

  it('computes progress from the steps', () => {
    const steps = (...done: boolean[]): Step[] =>
      done.map((d, i) => ({ id: String(i), title: `s${i}`, done: d }));
    expect(progressOf([])).toEqual({ done: 0, total: 0, percent: 0 });
    expect(progressOf(steps(true, false, false))).toEqual({ done: 1, total: 3, percent: 33 });
    expect(progressOf(steps(true, true, false))).toEqual({ done: 2, total: 3, percent: 66 });
    expect(progressOf(steps(true, true))).toEqual({ done: 2, total: 2, percent: 100 });
  });
});

describe('steps', () => {
  const a = { id: 'a', title: 'A', done: false };
  const b = { id: 'b', title: 'B', done: true };
  const c = { id: 'c', title: 'C', done: false };

  it('adds at a position or at the end, edits, toggles and removes', () => {
    expect(addStep([a, b], c).map((s) => s.id)).toEqual(['a', 'b', 'c']);
    expect(addStep([a, b], c, 0).map((s) => s.id)).toEqual(['c', 'a', 'b']);
    expect(addStep([a, b], c, 99).map((s) => s.id)).toEqual(['a', 'b', 'c']);
    expect(editStep([a, b], 'a', { title: 'A2' })[0]).toEqual({ id: 'a', title: 'A2', done: false });
    expect(toggleStep([a, b], 'b')[1]?.done).toBe(false);
    expect(removeStep([a, b, c], 'b').map((s) => s.id)).toEqual(['a', 'c']);
    expect(() => toggleStep([a], 'zzz')).toThrow(StepNotFoundError);
  });

  it('reorders only with a permutation of the step ids', () => {
    expect(reorderSteps([a, b, c], ['c', 'a', 'b']).map((s) => s.id)).toEqual(['c', 'a', 'b']);
    for (const bad of [
      ['a', 'b'],
      ['a', 'a', 'b'],
      ['a', 'b', 'x'],
      ['a', 'b', 'c', 'c'],
    ]) {
      expect(() => reorderSteps([a, b, c], bad)).toThrow(TaskRuleError);
    }
  });

  it('caps the checklist at 100 steps', () => {
    const many = Array.from({ length: 100 }, (_, i) => ({ id: String(i), title: 't', done: false }));
    expect(() => addStep(many, c)).toThrow(TaskRuleError);
  });
});

describe('patches', () => {
  const base: TaskState = newTaskState({ title: 'T', tags: [' Home ', 'home', 'Work'] }, [], NOW);

  it('fills defaults and normalises tags', () => {
    expect(base).toMatchObject({
      status: 'todo',
      priority: 'none',
      description: '',
      tags: ['home', 'work'],
      completedAt: null,
    });
    expect(normalizeTags(['B', 'a', 'b', '  '])).toEqual(['b', 'a']);
    expect(newTaskState({ title: 'x', status: 'done' }, [], NOW).completedAt).toEqual(NOW);
  });

  it('changes only the given fields, clears with null, and follows status transitions', () => {
    const due = new Date('2026-05-01T00:00:00Z');
    const withDue = applyPatch(base, { dueAt: due, priority: 'high' }, NOW);
    expect(withDue).toMatchObject({ title: 'T', dueAt: due, priority: 'high', tags: ['home', 'work'] });
    expect(applyPatch(withDue, { dueAt: null }, NOW).dueAt).toBeNull();
    expect(applyPatch(base, { status: 'done' }, NOW).completedAt).toEqual(NOW);
  });

  it('refuses a start after the due date', () => {
    expect(() =>
      applyPatch(base, { startAt: new Date('2026-06-01Z'), dueAt: new Date('2026-05-01Z') }, NOW),
    ).toThrow(TaskRuleError);
  });
});

describe('same state', () => {
  const base = newTaskState(
    { title: 'T', dueAt: new Date('2026-05-01T00:00:00Z'), tags: ['a'] },
    [{ id: 's', title: 'x', done: false }],
    NOW,
  );

  it('sees a change in every field and nothing in an equal copy', () => {
    expect(
      sameState(base, {
        ...base,
        dueAt: new Date('2026-05-01T00:00:00Z'),
        tags: ['a'],
        steps: [{ id: 's', title: 'x', done: false }],
      }),
    ).toBe(true);
    const changes: Partial<TaskState>[] = [
      { title: 'U' },
      { description: 'd' },
      { status: 'blocked' },
      { priority: 'low' },
      { dueAt: null },
      { startAt: NOW },
      { completedAt: NOW },
      { tags: ['a', 'b'] },
      { tags: ['b'] },
      { steps: [{ id: 's', title: 'x', done: true }] },
      { steps: [] },
    ];
    for (const change of changes)
      expect(sameState(base, { ...base, ...change }), JSON.stringify(change)).toBe(false);
  });
});

describe('If-Match', () => {
  it('parses entity tags and compares strongly', () => {
    expect(etagOf(7)).toBe('"7"');
    expect(parseIfMatch(undefined)).toEqual({ kind: 'none' });
    expect(parseIfMatch('*')).toEqual({ kind: 'any' });
    expect(parseIfMatch('"3", "4"')).toEqual({ kind: 'versions', versions: [3, 4] });
    expect(parseIfMatch('W/"3"')).toEqual({ kind: 'versions', versions: [] });
    expect(statusOf(() => checkPrecondition(parseIfMatch('"3"'), 4))).toBe(412);
    expect(statusOf(() => checkPrecondition(parseIfMatch('W/"4"'), 4))).toBe(412);
    expect(statusOf(() => checkPrecondition(parseIfMatch('"4"'), 4))).toBeUndefined();
    expect(statusOf(() => checkPrecondition(parseIfMatch('*'), 4))).toBeUndefined();
  });

  it.each(['3', 'garbage', '"3', '"a"b"', ''])('refuses the malformed header %j with 400', (header) => {
    expect(statusOf(() => parseIfMatch(header))).toBe(400);
  });
});

describe('idempotency', () => {
  it('fingerprints bodies independently of key order', () => {
    expect(canonicalJson({ b: 1, a: [{ y: 2, x: 1 }], u: undefined })).toBe('{"a":[{"x":1,"y":2}],"b":1}');
    expect(requestFingerprint({ title: 'a', tags: ['x'] })).toBe(
      requestFingerprint({ tags: ['x'], title: 'a' }),
    );
    expect(requestFingerprint({ title: 'a' })).not.toBe(requestFingerprint({ title: 'b' }));
  });

  it('accepts visible ASCII keys only', () => {
    expect(parseIdempotencyKey('abc-123_XYZ')).toBe('abc-123_XYZ');
    expect(parseIdempotencyKey(undefined)).toBeUndefined();
    for (const bad of ['', 'with space', 'ü', 'x'.repeat(256)]) {
      expect(statusOf(() => parseIdempotencyKey(bad))).toBe(400);
    }
  });
});

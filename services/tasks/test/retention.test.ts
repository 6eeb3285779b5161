// Retention: tombstones past their retention and expired idempotency keys are purged in batches;
// a changes cursor from before a purged deletion is answered 410 (its owner only), and an
// Idempotency-Key is honoured for its TTL and free again after it — whether or not the purge
// has run yet. Real PostgreSQL when reachable, embedded PGlite always.
import { createLogger, HttpProblem, MemoryCacheBus, MemoryStore } from '@elwosa/runtime';
import { afterAll, describe, expect, it } from 'vitest';
import { databaseKinds, useMigratedClient } from '../../../test-support/migrated-client.ts';
import { retentionSettings, tasksEnvSchema } from '../src/config.js';
import type { TasksContext } from '../src/domain/context.js';
import { changesSince } from '../src/domain/queries.js';
import { purgeExpired } from '../src/domain/retention.js';
import { createTask, deleteTask } from '../src/domain/tasks.js';
import type { PrismaClient } from '../src/generated/prisma/client.js';
import { tasksDatabase } from '../src/service.js';
import { poolClient, type SqlClient } from '../src/store/sql-client.js';

/** What a service started without environment overrides uses. */
const defaultRetentionSettings = () => retentionSettings(tasksEnvSchema.parse({}));

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = new Date('2026-03-01T00:00:00.000Z').getTime();
let ownerCounter = 0;
const newOwner = () => `00000000-0000-4000-8000-${String(++ownerCounter).padStart(12, '0')}`;

describe.each(databaseKinds())('tasks retention (%s)', (kind) => {
  let db: PrismaClient;
  let sql: SqlClient;
  let clock = T0;
  const cache = new MemoryCacheBus({ store: new MemoryStore() });
  const ctxWith = (batchSize = 1000): TasksContext => ({
    db,
    sql,
    cache,
    logger: createLogger({ level: 'silent' }),
    now: () => new Date(clock),
    retention: { ...defaultRetentionSettings(), batchSize },
    outbox: { acknowledge: () => {} },
  });
  const changes = (ctx: TasksContext, owner: string, since?: string) =>
    changesSince(ctx, owner, { limit: 500, ...(since ? { since } : {}) });

  useMigratedClient(kind, tasksDatabase, (client, pool) => {
    db = client;
    sql = poolClient(pool);
  });
  afterAll(async () => {
    await cache.close();
  });

  it('purges tombstones past the retention and answers an older changes cursor with 410', async () => {
    const ctx = ctxWith();
    clock = T0;
    const owner = newOwner();
    const bystander = newOwner();
    const live = (await createTask(ctx, owner, { title: 'stays' })).task;
    const old = (await createTask(ctx, owner, { title: 'deleted long ago' })).task;
    const recent = (await createTask(ctx, owner, { title: 'deleted lately' })).task;
    const theirs = (await createTask(ctx, bystander, { title: 'someone else' })).task;
    const beforeDeletions = (await changes(ctx, owner)).nextCursor;
    const bystanderCursor = (await changes(ctx, bystander)).nextCursor;
    await deleteTask(ctx, owner, old.id, { kind: 'none' });
    await deleteTask(ctx, bystander, theirs.id, { kind: 'none' });
    clock = T0 + 20 * DAY;
    await deleteTask(ctx, owner, recent.id, { kind: 'none' });
    const afterDeletions = (await changes(ctx, owner)).nextCursor;

    clock = T0 + 31 * DAY; // the default retention is 30 days
    const run = await purgeExpired(ctx, new Date(clock));
    expect(run.tombstones).toBeGreaterThanOrEqual(2);
    const left = await db.task.findMany({ where: { id: { in: [live.id, old.id, recent.id, theirs.id] } } });
    expect(left.map((t) => t.id).sort()).toEqual([live.id, recent.id].sort());

    const expired = await changes(ctx, owner, beforeDeletions).catch((err: unknown) => err);
    expect(expired).toBeInstanceOf(HttpProblem);
    expect(expired).toMatchObject({ status: 410, extensions: { code: 'cursor_expired' } });
    // A full sync (no cursor) still works and still reports the retained deletion.
    const full = await changes(ctx, owner);
    expect(full.upserts.map((t) => t.id)).toEqual([live.id]);
    expect(full.deletions.map((d) => d.id)).toEqual([recent.id]);
    // A cursor past the purged deletion is fine; and the horizon is per owner.
    expect((await changes(ctx, owner, afterDeletions)).upserts).toEqual([]);
    await expect(changes(ctx, bystander, bystanderCursor)).rejects.toMatchObject({ status: 410 });
    const another = newOwner();
    await createTask(ctx, another, { title: 'untouched owner' });
    const anotherCursor = (await changes(ctx, another)).nextCursor;
    expect((await changes(ctx, another, anotherCursor)).deletions).toEqual([]);
  });

  it('drains a backlog larger than one batch in one run', async () => {
    const ctx = ctxWith(2);
    clock = T0;
    const owner = newOwner();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await createTask(ctx, owner, { title: `t${i}` })).task.id);
    for (const id of ids) await deleteTask(ctx, owner, id, { kind: 'none' });
    clock = T0 + 31 * DAY;
    const run = await purgeExpired(ctx, new Date(clock));
    expect(run.tombstones).toBeGreaterThanOrEqual(5);
    expect(await db.task.count({ where: { id: { in: ids } } })).toBe(0);
  });

  it('honours an Idempotency-Key for its TTL, frees it after, and purges expired keys', async () => {
    const ctx = ctxWith();
    clock = T0;
    const owner = newOwner();
    const first = await createTask(ctx, owner, { title: 'once' }, 'key-1');
    clock = T0 + 23 * HOUR; // the default TTL is 24 hours
    const retried = await createTask(ctx, owner, { title: 'once' }, 'key-1');
    expect(retried).toMatchObject({ replayed: true, task: { id: first.task.id } });

    // Past the TTL the key is free again, before any purge ran: a new task, and the key now
    // answers with it.
    clock = T0 + 25 * HOUR;
    const again = await createTask(ctx, owner, { title: 'once' }, 'key-1');
    expect(again.replayed).toBe(false);
    expect(again.task.id).not.toBe(first.task.id);
    const replayOfNew = await createTask(ctx, owner, { title: 'once' }, 'key-1');
    expect(replayOfNew).toMatchObject({ replayed: true, task: { id: again.task.id } });

    await createTask(ctx, owner, { title: 'other' }, 'key-2');
    clock = T0 + 50 * HOUR;
    const run = await purgeExpired(ctx, new Date(clock));
    expect(run.idempotencyKeys).toBeGreaterThanOrEqual(2);
    expect(await db.idempotencyKey.count({ where: { ownerId: owner } })).toBe(0);
  });
});

describe('retention settings', () => {
  it('defaults to 30 days of tombstones, 24 hours of idempotency keys, hourly runs', () => {
    expect(defaultRetentionSettings()).toEqual({
      tombstoneRetentionMs: 30 * DAY,
      idempotencyTtlMs: 24 * HOUR,
      intervalMs: HOUR,
      batchSize: 1000,
    });
  });

  it('reads the environment and refuses nonsense', () => {
    const env = tasksEnvSchema.parse({
      ELWOSA_TASKS_TOMBSTONE_RETENTION_DAYS: '7',
      ELWOSA_TASKS_IDEMPOTENCY_TTL_HOURS: '48',
    });
    expect(retentionSettings(env)).toMatchObject({
      tombstoneRetentionMs: 7 * DAY,
      idempotencyTtlMs: 48 * HOUR,
    });
    expect(tasksEnvSchema.safeParse({ ELWOSA_TASKS_TOMBSTONE_RETENTION_DAYS: '0' }).success).toBe(false);
    expect(tasksEnvSchema.safeParse({ ELWOSA_TASKS_IDEMPOTENCY_TTL_HOURS: 'soon' }).success).toBe(false);
  });
});

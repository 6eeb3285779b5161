// The tasks event outbox: every change is recorded by the statement that makes it, and the
// record goes once its events are published. When the cache fails right after a commit the
// change stands and is answered as done, and the repair publishes the task's current state (the
// newest version; a tombstone as task.deleted) on both the domain stream and the owner's live log
// once the cache is back. A change whose process died before publishing is published by the
// repair after the grace period. Real PostgreSQL when reachable, embedded PGlite always.
import {
  type CacheBus,
  CacheUnavailableError,
  createLogger,
  domainStream,
  MemoryCacheBus,
  MemoryStore,
  OUTBOX_GRACE_MS,
  parseDomainEvent,
  userEventFromEntry,
  userEventLog,
} from '@elwosa/runtime';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { overrideCache } from '../../../test-support/cache-overrides.ts';
import { databaseKinds, useMigratedClient } from '../../../test-support/migrated-client.ts';
import { retentionSettings, tasksEnvSchema } from '../src/config.js';
import { completeTasks } from '../src/domain/bulk.js';
import type { TasksContext } from '../src/domain/context.js';
import { republishDue } from '../src/domain/event-repair.js';
import { startOutboxAcks } from '../src/domain/outbox-acks.js';
import { newTaskState } from '../src/domain/patch.js';
import { changeTask, createTask, deleteTask } from '../src/domain/tasks.js';
import type { PrismaClient } from '../src/generated/prisma/client.js';
import { tasksDatabase } from '../src/service.js';
import { type OutboxKey, removePublished } from '../src/store/event-outbox.js';
import { poolClient, type SqlClient } from '../src/store/sql-client.js';
import { insertTask, updateTaskAtVersion } from '../src/store/task-store.js';

let ownerCounter = 0;
const newOwner = () => `00000000-0000-4000-9000-${String(++ownerCounter).padStart(12, '0')}`;

/** The memory bus whose appends fail (as Redis does when it is unreachable) while `down`. */
function breakableCache(): { cache: CacheBus; inner: MemoryCacheBus; setDown(down: boolean): void } {
  const inner = new MemoryCacheBus({ store: new MemoryStore() });
  let down = false;
  const unavailable = async () => Promise.reject(new CacheUnavailableError('redis unavailable: test'));
  const cache = overrideCache(inner, () =>
    down ? { append: unavailable, appendAndPublish: unavailable } : {},
  );
  return {
    cache,
    inner,
    setDown: (value) => {
      down = value;
    },
  };
}

describe.each(databaseKinds())('tasks event outbox (%s)', (kind) => {
  let db: PrismaClient;
  let sql: SqlClient;
  const { cache, inner, setDown } = breakableCache();
  let deferred = 0;
  /** Acknowledged, not removed: the tests that need removal run the real batcher. */
  const acknowledged: OutboxKey[] = [];
  const ctx = (now = () => new Date()): TasksContext => ({
    db,
    sql,
    cache,
    logger: createLogger({ level: 'silent' }),
    now,
    retention: retentionSettings(tasksEnvSchema.parse({})),
    outbox: { acknowledge: (keys) => acknowledged.push(...keys) },
    onEventsDeferred: (n) => {
      deferred += n;
    },
  });
  /** A repair run as if `ms` had passed. */
  const repairAfter = (ms: number, batchSize?: number) =>
    republishDue(
      ctx(() => new Date(Date.now() + ms)),
      () => false,
      batchSize,
    );
  const domainEvents = async (taskId: string) =>
    (await inner.readRange(domainStream('tasks'), '0', 10_000))
      .map(parseDomainEvent)
      .filter((e) => (e.data as { id?: string }).id === taskId);
  const liveEvents = async (owner: string) =>
    (await inner.readRange(userEventLog(owner), '0', 1000)).map((e) => userEventFromEntry(owner, e));
  const records = (ownerId: string) =>
    db.eventOutbox.findMany({ where: { ownerId }, orderBy: { dueAt: 'asc' } });

  useMigratedClient(kind, tasksDatabase, (client, pool) => {
    db = client;
    sql = poolClient(pool);
  });
  // What the batcher would have removed: nothing a test acknowledged is left for the next one.
  afterEach(async () => {
    await removePublished(db, acknowledged.splice(0));
  });
  afterAll(async () => {
    await inner.close();
  });

  it('records each change with the statement that makes it; the record goes once its events are published', async () => {
    const owner = newOwner();
    const acks = startOutboxAcks({ db, logger: createLogger({ level: 'silent' }), intervalMs: 10_000 });
    const withAcks = { ...ctx(), outbox: acks };
    const created = (await createTask(withAcks, owner, { title: 'first' })).task;
    const renamed = await changeTask(withAcks, owner, created.id, { kind: 'none' }, (s) => ({
      ...s,
      title: 'second',
    }));
    // Published, removal pending (batched): the record names the newest version, due after the grace.
    const [record] = await records(owner);
    expect(record).toMatchObject({ taskId: created.id, version: renamed.version });
    expect(record!.dueAt.getTime() - record!.recordedAt.getTime()).toBe(OUTBOX_GRACE_MS);
    expect(await repairAfter(0)).toBe(0);

    await acks.stop();
    expect(await records(owner)).toEqual([]);
    expect(await repairAfter(2 * OUTBOX_GRACE_MS)).toBe(0);
    expect((await domainEvents(created.id)).map((e) => e.type)).toEqual(['task.created', 'task.updated']);
  });

  it('publishes a change whose process died before publishing, once the grace period is over', async () => {
    const owner = newOwner();
    const now = new Date();
    // Committed, never announced: what a process that dies right after the commit leaves.
    const row = await insertTask(sql, owner, newTaskState({ title: 'orphaned' }, [], now), now);
    expect(await records(owner)).toEqual([expect.objectContaining({ taskId: row.id, version: 1 })]);

    // Within the grace period the writer may still be publishing: the repair leaves it.
    expect(await repairAfter(OUTBOX_GRACE_MS - 1000)).toBe(0);
    expect(await domainEvents(row.id)).toEqual([]);

    expect(await repairAfter(OUTBOX_GRACE_MS + 1000)).toBe(1);
    const [event] = await domainEvents(row.id);
    expect(event).toMatchObject({
      type: 'task.updated',
      userId: owner,
      data: { id: row.id, title: 'orphaned' },
    });
    expect(await liveEvents(owner)).toEqual([
      expect.objectContaining({ type: 'task.updated', data: expect.objectContaining({ id: row.id }) }),
    ]);
    expect(await records(owner)).toEqual([]);
  });

  it('the removal after a publish leaves the record of a later change of the same task', async () => {
    const owner = newOwner();
    const now = new Date();
    const first = await insertTask(sql, owner, newTaskState({ title: 'v1' }, [], now), now);
    const second = await updateTaskAtVersion(
      sql,
      owner,
      first.id,
      first.version,
      { state: newTaskState({ title: 'v2' }, [], now) },
      now,
    );
    expect(await removePublished(db, [{ taskId: first.id, version: first.version }])).toBe(0);
    expect(await records(owner)).toEqual([expect.objectContaining({ version: second!.version })]);
    expect(await removePublished(db, [{ taskId: first.id, version: second!.version }])).toBe(1);
    expect(await records(owner)).toEqual([]);
  });

  it('removes a full batch of published records without waiting for the interval; a failed removal is only logged', async () => {
    const owner = newOwner();
    const now = new Date();
    const rows = await Promise.all(
      ['a', 'b'].map((title) => insertTask(sql, owner, newTaskState({ title }, [], now), now)),
    );
    const warnings: string[] = [];
    const logger = createLogger({ level: 'silent' });
    logger.warn = ((_obj: unknown, msg: string) => {
      warnings.push(msg);
    }) as unknown as typeof logger.warn;
    const acks = startOutboxAcks({ db, logger, intervalMs: 60_000, maxBatch: 2 });
    acks.acknowledge(rows.map((r) => ({ taskId: r.id, version: r.version })));
    await expect.poll(() => records(owner), { timeout: 5000 }).toEqual([]);

    const broken = startOutboxAcks({
      db: { $executeRaw: () => Promise.reject(new Error('database gone')) } as unknown as PrismaClient,
      logger,
      intervalMs: 60_000,
    });
    broken.acknowledge([{ taskId: rows[0]!.id, version: 1 }]);
    await broken.stop();
    expect(warnings).toEqual([expect.stringContaining('removing published records failed')]);
    await acks.stop();
  });

  it('writes and repairs of the same task run concurrently without deadlock; the newest version is published last', async () => {
    const owner = newOwner();
    const task = (await createTask(ctx(), owner, { title: 'busy' })).task;
    let writing = true;
    const writes = (async () => {
      try {
        for (let i = 0; i < 25; i++)
          await changeTask(ctx(), owner, task.id, { kind: 'none' }, (s) => ({ ...s, title: `busy ${i}` }));
      } finally {
        writing = false;
      }
    })();
    // Records stay until the repair takes them (the test's acknowledger removes nothing here).
    const repairs = (async () => {
      let runs = 0;
      while (writing || runs === 0) {
        await repairAfter(OUTBOX_GRACE_MS + 1000);
        runs++;
      }
    })();
    await Promise.all([writes, repairs]);
    acknowledged.splice(0);
    await repairAfter(OUTBOX_GRACE_MS + 1000);
    const events = await domainEvents(task.id);
    expect(events.at(-1)).toMatchObject({ data: { version: 26, title: 'busy 24' } });
    expect(await records(owner)).toEqual([]);
  });

  it('a deferral recorded by the previous version during a rollout is due at once and published', async () => {
    const owner = newOwner();
    const task = (await createTask(ctx(), owner, { title: 'old replica' })).task;
    await removePublished(db, acknowledged.splice(0));
    // The previous version's statement, unchanged: the migration only added columns.
    await db.$executeRaw`
      INSERT INTO "tasks"."deferred_events" (task_id, owner_id, recorded_at)
      SELECT id, ${owner}::uuid, ${new Date()} FROM unnest(${[task.id]}::uuid[]) AS id
      ON CONFLICT (task_id) DO UPDATE SET recorded_at = EXCLUDED.recorded_at`;
    expect(await records(owner)).toEqual([expect.objectContaining({ taskId: task.id, version: 0 })]);
    expect(await repairAfter(1000)).toBe(1);
    expect(await records(owner)).toEqual([]);
  });

  it('keeps a change made while the cache fails and publishes its newest state once it is back', async () => {
    const owner = newOwner();
    setDown(true);
    const created = await createTask(ctx(), owner, { title: 'written during the outage' });
    expect(created.replayed).toBe(false);
    const updated = await changeTask(ctx(), owner, created.task.id, { kind: 'none' }, (state) => ({
      ...state,
      title: 'renamed during the outage',
    }));
    expect(updated.version).toBe(2);
    // Due at once: the repair need not wait for the grace period.
    expect(await records(owner)).toEqual([expect.objectContaining({ taskId: created.task.id, version: 2 })]);
    expect(deferred).toBeGreaterThanOrEqual(2);
    expect(acknowledged.filter((k) => k.taskId === created.task.id)).toEqual([]);
    expect(await domainEvents(created.task.id)).toEqual([]);

    // Still down: the repair publishes nothing and keeps the record.
    await expect(repairAfter(0)).rejects.toThrow(CacheUnavailableError);
    expect(await records(owner)).toHaveLength(1);

    setDown(false);
    expect(await repairAfter(0)).toBe(1);
    const [event] = await domainEvents(created.task.id);
    expect(event).toMatchObject({ type: 'task.updated', userId: owner, data: updated });
    expect(await liveEvents(owner)).toEqual([
      expect.objectContaining({ type: 'task.updated', data: updated }),
    ]);
    expect(await records(owner)).toEqual([]);
    expect(await repairAfter(2 * OUTBOX_GRACE_MS)).toBe(0);
  });

  it('publishes a task deleted during the outage as task.deleted, and bulk changes task by task', async () => {
    const owner = newOwner();
    const kept = (await createTask(ctx(), owner, { title: 'kept' })).task;
    const gone = (await createTask(ctx(), owner, { title: 'gone' })).task;
    await removePublished(
      db,
      acknowledged.filter((k) => k.taskId === kept.id || k.taskId === gone.id),
    );
    setDown(true);
    const tombstone = await deleteTask(ctx(), owner, gone.id, { kind: 'none' });
    const [done] = await completeTasks(ctx(), owner, [kept.id]);
    setDown(false);
    expect((await records(owner)).map((r) => r.taskId).sort()).toEqual([kept.id, gone.id].sort());
    // One task per batch: the repair goes on until a batch comes back short.
    expect(await repairAfter(0, 1)).toBe(2);
    expect((await domainEvents(gone.id)).map((e) => [e.type, e.data])).toEqual([
      ['task.created', gone],
      ['task.deleted', tombstone],
    ]);
    expect((await domainEvents(kept.id)).at(-1)).toMatchObject({ type: 'task.updated', data: done });
    expect(await records(owner)).toEqual([]);
  });

  it('a bulk change records its tasks in its transaction and acknowledges the versions it published', async () => {
    const owner = newOwner();
    const a = (await createTask(ctx(), owner, { title: 'a' })).task;
    const b = (await createTask(ctx(), owner, { title: 'b' })).task;
    await removePublished(db, acknowledged.splice(0));
    const done = await completeTasks(ctx(), owner, [a.id, b.id]);
    const versions = new Map(done.map((t) => [t.id, t.version]));
    expect((await records(owner)).map((r) => [r.taskId, r.version]).sort()).toEqual([...versions].sort());
    expect(acknowledged.map((k) => [k.taskId, k.version]).sort()).toEqual([...versions].sort());
  });

  it('a failure other than the cache being unavailable is not swallowed; the repair publishes the change later', async () => {
    const owner = newOwner();
    const broken = overrideCache(inner, () => ({
      appendAndPublish: async () => Promise.reject(new TypeError('a bug')),
    }));
    await expect(createTask({ ...ctx(), cache: broken }, owner, { title: 'x' })).rejects.toThrow('a bug');
    const [record] = await records(owner);
    expect(record).toBeDefined();
    expect(await repairAfter(0)).toBe(0);
    expect(await repairAfter(OUTBOX_GRACE_MS + 1000)).toBe(1);
    // The live event had failed (the domain one had gone out): the repair publishes both again.
    expect(await liveEvents(owner)).toEqual([expect.objectContaining({ type: 'task.updated' })]);
    expect((await domainEvents(record!.taskId)).map((e) => e.type)).toEqual(['task.created', 'task.updated']);
  });
});

// Task events when the cache fails right after a commit: the change stands and is answered as
// done, the task is recorded as deferred, and the repair publishes its current state (the newest
// version; a tombstone as task.deleted) on both the domain stream and the owner's live log once
// the cache is back, then forgets it. Real PostgreSQL when reachable, embedded PGlite always.
import {
  type CacheBus,
  CacheUnavailableError,
  createLogger,
  domainStream,
  MemoryCacheBus,
  MemoryStore,
  parseDomainEvent,
  userEventFromEntry,
  userEventLog,
} from '@elwosa/runtime';
import { afterAll, describe, expect, it } from 'vitest';
import { overrideCache } from '../../../test-support/cache-overrides.ts';
import { databaseKinds, useMigratedClient } from '../../../test-support/migrated-client.ts';
import { retentionSettings, tasksEnvSchema } from '../src/config.js';
import { completeTasks } from '../src/domain/bulk.js';
import type { TasksContext } from '../src/domain/context.js';
import { republishDeferred } from '../src/domain/event-repair.js';
import { changeTask, createTask, deleteTask } from '../src/domain/tasks.js';
import type { PrismaClient } from '../src/generated/prisma/client.js';
import { tasksDatabase } from '../src/service.js';

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

describe.each(databaseKinds())('deferred task events (%s)', (kind) => {
  let db: PrismaClient;
  const { cache, inner, setDown } = breakableCache();
  let deferred = 0;
  const ctx = (): TasksContext => ({
    db,
    cache,
    logger: createLogger({ level: 'silent' }),
    now: () => new Date(),
    retention: retentionSettings(tasksEnvSchema.parse({})),
    onEventsDeferred: (n) => {
      deferred += n;
    },
  });
  const domainEvents = async (taskId: string) =>
    (await inner.readRange(domainStream('tasks'), '0', 10_000))
      .map(parseDomainEvent)
      .filter((e) => (e.data as { id?: string }).id === taskId);
  const liveEvents = async (owner: string) =>
    (await inner.readRange(userEventLog(owner), '0', 1000)).map((e) => userEventFromEntry(owner, e));
  const recorded = () => db.deferredEvent.findMany({ orderBy: { recordedAt: 'asc' } });

  useMigratedClient(kind, tasksDatabase, (client) => {
    db = client;
  });
  afterAll(async () => {
    await inner.close();
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
    expect(await recorded()).toEqual([expect.objectContaining({ taskId: created.task.id, ownerId: owner })]);
    expect(deferred).toBeGreaterThanOrEqual(2);
    expect(await domainEvents(created.task.id)).toEqual([]);

    // Still down: the repair publishes nothing and keeps the record.
    await expect(republishDeferred(ctx())).rejects.toThrow(CacheUnavailableError);
    expect(await recorded()).toHaveLength(1);

    setDown(false);
    expect(await republishDeferred(ctx())).toBe(1);
    const [event] = await domainEvents(created.task.id);
    expect(event).toMatchObject({ type: 'task.updated', userId: owner, data: updated });
    expect(await liveEvents(owner)).toEqual([
      expect.objectContaining({ type: 'task.updated', data: updated }),
    ]);
    expect(await recorded()).toEqual([]);
    expect(await republishDeferred(ctx())).toBe(0);
  });

  it('publishes a task deleted during the outage as task.deleted, and bulk changes task by task', async () => {
    const owner = newOwner();
    const kept = (await createTask(ctx(), owner, { title: 'kept' })).task;
    const gone = (await createTask(ctx(), owner, { title: 'gone' })).task;
    setDown(true);
    const tombstone = await deleteTask(ctx(), owner, gone.id, { kind: 'none' });
    const [done] = await completeTasks(ctx(), owner, [kept.id]);
    setDown(false);
    expect((await recorded()).map((r) => r.taskId).sort()).toEqual([kept.id, gone.id].sort());
    // One task per batch: the repair goes on until a batch comes back short.
    expect(await republishDeferred(ctx(), () => false, 1)).toBe(2);
    expect((await domainEvents(gone.id)).map((e) => [e.type, e.data])).toEqual([
      ['task.created', gone],
      ['task.deleted', tombstone],
    ]);
    expect((await domainEvents(kept.id)).at(-1)).toMatchObject({ type: 'task.updated', data: done });
    expect(await recorded()).toEqual([]);
  });

  it('a failure other than the cache being unavailable is not swallowed', async () => {
    const owner = newOwner();
    const broken = overrideCache(inner, () => ({
      appendAndPublish: async () => Promise.reject(new TypeError('a bug')),
    }));
    await expect(createTask({ ...ctx(), cache: broken }, owner, { title: 'x' })).rejects.toThrow('a bug');
    expect(await db.deferredEvent.count({ where: { ownerId: owner } })).toBe(0);
  });
});

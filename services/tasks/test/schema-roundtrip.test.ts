// Every tasks model round-trips through Prisma against the migrated schema (real PostgreSQL
// when reachable, embedded PGlite always), so the Prisma schema and the SQL migration cannot
// drift; the parts only the SQL has (generated search column, change-sequence trigger) are
// checked here too. The hot-path statements, run on the pool without Prisma, read back what
// Prisma's model reads.
import { describe, expect, it } from 'vitest';
import { databaseKinds, useMigratedClient } from '../../../test-support/migrated-client.ts';
import { newTaskState } from '../src/domain/patch.js';
import type { PrismaClient } from '../src/generated/prisma/client.js';
import { tasksDatabase } from '../src/service.js';
import { poolClient, type SqlClient, transactionClient } from '../src/store/sql-client.js';
import { findOwnedTask, insertTask, listTasks } from '../src/store/task-store.js';

const OWNER = '11111111-1111-4111-8111-111111111111';

describe.each(databaseKinds())('tasks schema round trip (%s)', (kind) => {
  let db: PrismaClient;
  let sql: SqlClient;

  useMigratedClient(kind, tasksDatabase, (client, pool) => {
    db = client;
    sql = poolClient(pool);
  });

  it('writes and reads back every model with every field', async () => {
    const now = new Date('2026-01-02T03:04:05.678Z');
    const task = await db.task.create({
      data: {
        ownerId: OWNER,
        title: 'Round trip',
        description: 'every field',
        status: 'done',
        priority: 4,
        dueAt: now,
        startAt: now,
        tags: ['a', 'b'],
        steps: [{ id: 's1', title: 'step', done: true }],
        version: 3,
        completedAt: now,
        deletedAt: now,
      },
    });
    expect(await db.task.findUniqueOrThrow({ where: { id: task.id } })).toEqual(task);
    const key = await db.idempotencyKey.create({
      data: {
        ownerId: OWNER,
        key: 'k-1',
        requestHash: 'h'.repeat(64),
        taskId: task.id,
        response: { id: task.id },
      },
    });
    expect(
      await db.idempotencyKey.findUniqueOrThrow({ where: { ownerId_key: { ownerId: OWNER, key: 'k-1' } } }),
    ).toEqual(key);
    const horizon = await db.changeHorizon.create({
      data: { ownerId: OWNER, purgedSeq: 9_007_199_254_740_993n },
    });
    expect(await db.changeHorizon.findUniqueOrThrow({ where: { ownerId: OWNER } })).toEqual(horizon);
    const record = await db.eventOutbox.create({
      data: {
        taskId: task.id,
        ownerId: OWNER,
        version: 3,
        recordedAt: now,
        dueAt: new Date(now.getTime() + 1),
      },
    });
    expect(await db.eventOutbox.findUniqueOrThrow({ where: { taskId: task.id } })).toEqual(record);
  });

  it('stamps every write with a larger change number and indexes steps for search', async () => {
    const created = await db.task.create({
      data: { ownerId: OWNER, title: 'Plan trip', steps: [{ id: 's', title: 'book ferry', done: false }] },
    });
    const updated = await db.task.update({ where: { id: created.id }, data: { title: 'Plan the trip' } });
    expect(created.changeSeq).toBeGreaterThan(0n);
    expect(updated.changeSeq).toBeGreaterThan(created.changeSeq);
    const hits = await db.$queryRaw<Array<{ id: string }>>`
      SELECT id FROM "tasks"."tasks" WHERE search @@ websearch_to_tsquery('simple', 'ferry')`;
    expect(hits.map((h) => h.id)).toEqual([created.id]);
  });

  it('reads a task through the pool exactly as Prisma reads it, in and out of a transaction', async () => {
    const owner = '22222222-2222-4222-8222-222222222222';
    const now = new Date('2026-05-06T07:08:09.123Z');
    const full = newTaskState(
      {
        title: 'Every type',
        description: 'ünïcödé',
        status: 'done',
        priority: 'urgent',
        dueAt: new Date('2026-06-01T00:00:00.001Z'),
        startAt: new Date('2026-05-01T12:00:00.000Z'),
        tags: ['x', 'y z'],
      },
      [{ id: 's1', title: 'step', done: true }],
      now,
    );
    for (const state of [full, newTaskState({ title: 'Nothing set' }, [], now)]) {
      const inserted = await insertTask(sql, owner, state, now);
      const { changeSeq, ...model } = await db.task.findUniqueOrThrow({ where: { id: inserted.id } });
      expect(changeSeq).toBeGreaterThan(0n);
      expect(inserted).toStrictEqual(model);
      expect(await findOwnedTask(sql, owner, inserted.id)).toStrictEqual(model);
      expect(
        await db.$transaction((tx) => findOwnedTask(transactionClient(tx), owner, inserted.id)),
      ).toStrictEqual(model);
    }
    const listed = await listTasks(
      sql,
      { ownerId: owner },
      { field: 'createdAt', direction: 'asc' },
      undefined,
      10,
      now,
    );
    // Both were created at the same instant: the list's order between them is their ids'.
    const byTitle = new Map(listed.map((t) => [t.title, t]));
    expect(listed).toHaveLength(2);
    expect(byTitle.get('Every type')?.dueAt).toStrictEqual(full.dueAt);
    expect(byTitle.get('Every type')?.priority).toBe(4);
    expect(byTitle.get('Nothing set')?.dueAt).toBeNull();
  });
});

// Every tasks model round-trips through Prisma against the migrated schema (real PostgreSQL
// when reachable, embedded PGlite always), so the Prisma schema and the SQL migration cannot
// drift; the parts only the SQL has (generated search column, change-sequence trigger) are
// checked here too.
import { describe, expect, it } from 'vitest';
import { databaseKinds, useMigratedClient } from '../../../test-support/migrated-client.ts';
import type { PrismaClient } from '../src/generated/prisma/client.js';
import { tasksDatabase } from '../src/service.js';

const OWNER = '11111111-1111-4111-8111-111111111111';

describe.each(databaseKinds())('tasks schema round trip (%s)', (kind) => {
  let db: PrismaClient;

  useMigratedClient(kind, tasksDatabase, (client) => {
    db = client;
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
});

// Every analytics model round-trips through Prisma against the migrated schema (real PostgreSQL
// when reachable, embedded PGlite always), so the Prisma schema and the SQL migrations cannot drift.
import { describe, expect, it } from 'vitest';
import { databaseKinds, useMigratedClient } from '../../../test-support/migrated-client.ts';
import type { PrismaClient } from '../src/generated/prisma/client.js';
import { analyticsDatabase } from '../src/service.js';

describe.each(databaseKinds())('analytics schema round trip (%s)', (kind) => {
  let db: PrismaClient;

  useMigratedClient(kind, analyticsDatabase, (client) => {
    db = client;
  });

  it('writes and reads back every model with every field', async () => {
    const now = new Date('2026-01-02T03:04:05.678Z');
    const day = new Date('2026-01-02T00:00:00.000Z');
    const userId = '11111111-2222-4333-8444-555555555555';

    const record = await db.usageRecord.create({
      data: {
        eventId: '1700000000000-0',
        requestId: 'req-roundtrip',
        userId,
        provider: 'openai',
        model: 'gpt-4o',
        operation: 'chat',
        inputTokens: 2_000_000_000,
        outputTokens: 7,
        cachedTokens: 3,
        estimated: true,
        costMicroUsd: 9_007_199_254_740_993n,
        costKnown: false,
        priceVersion: '2026-11-01',
        latencyMs: 1234,
        ttftMs: 56,
        replica: 'http://ollama-0:11434',
        status: 'aborted',
        cacheHit: true,
        conversationId: 'conv-1',
        day,
        createdAt: now,
        ingestedAt: now,
      },
    });
    expect(await db.usageRecord.findUniqueOrThrow({ where: { id: record.id } })).toEqual(record);
    await expect(
      db.usageRecord.create({ data: { ...record, id: undefined, costMicroUsd: 1n } }),
    ).rejects.toMatchObject({ code: 'P2002' });
    // One request id, two calls (two stream entries): both stored.
    await expect(
      db.usageRecord.create({ data: { ...record, id: undefined, eventId: '1700000000000-1' } }),
    ).resolves.toMatchObject({ requestId: record.requestId });

    const fact = await db.taskFact.create({
      data: {
        taskId: '66666666-7777-4888-8999-000000000000',
        userId,
        createdAt: now,
        createdDay: day,
        completedAt: now,
        completedDay: day,
        updatedAt: now,
      },
    });
    expect(await db.taskFact.findUniqueOrThrow({ where: { taskId: fact.taskId } })).toEqual(fact);

    const rollup = await db.usageDaily.create({
      data: {
        day,
        userId,
        provider: 'ollama',
        model: 'llama3',
        operation: 'embedding',
        requests: 5,
        errors: 1,
        unpriced: 2,
        inputTokens: 10_000_000_000n,
        outputTokens: 2n,
        cachedTokens: 3n,
        costMicroUsd: 4n,
        latencySumMs: 5_000_000_000n,
        latencyMaxMs: 900,
        latencyHistogram: [0, 1, 2, 3],
      },
    });
    const key = { day, userId, provider: 'ollama', model: 'llama3', operation: 'embedding' };
    expect(
      await db.usageDaily.findUniqueOrThrow({ where: { day_userId_provider_model_operation: key } }),
    ).toEqual(rollup);

    const tasks = await db.taskDaily.create({ data: { day, userId, created: 3, completed: 2 } });
    expect(await db.taskDaily.findUniqueOrThrow({ where: { day_userId: { day, userId } } })).toEqual(tasks);

    const state = await db.rollupDay.create({
      data: { day, current: true, computedAt: now, rawPurged: true },
    });
    expect(await db.rollupDay.findUniqueOrThrow({ where: { day } })).toEqual(state);
    const fresh = await db.rollupDay.create({ data: { day: new Date('2026-01-03T00:00:00Z') } });
    expect(fresh).toMatchObject({ current: false, computedAt: null, rawPurged: false });
  });
});

// Raw usage retention: the raw records of rolled-up days older than the retention are purged and
// the reports do not change; a purged day's roll-up is final (a late usage fact is dropped, a
// late task fact no longer marks it stale); a day not rolled up yet keeps its records until it
// is. Real PostgreSQL when reachable, embedded PGlite always.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { databaseKinds, useMigratedClient } from '../../../test-support/migrated-client.ts';
import { analyticsEnvSchema, analyticsSettings } from '../src/config.js';
import { type Day, startOfDay } from '../src/domain/days.js';
import { purgeRolledUpUsage, rollUpClosedDays } from '../src/domain/rollup.js';
import { parseUsageEvent, type UsageRecordInput } from '../src/domain/usage-event.js';
import type { PrismaClient } from '../src/generated/prisma/client.js';
import { analyticsDatabase } from '../src/service.js';
import { loadReportData } from '../src/store/report-data.js';
import { recordTaskFact } from '../src/store/task-facts.js';
import { insertUsageRecord } from '../src/store/usage-records.js';
import { usage } from './support.js';

const USER = '22222222-2222-4222-8222-222222222222';
const NOW = new Date('2026-04-01T12:00:00.000Z');
const OLD: Day = '2026-01-10';
const RECENT: Day = '2026-03-20';
const UNROLLED: Day = '2026-01-05';
const RANGE = { from: '2026-01-01', to: '2026-03-31' };

/** A usage record of `day` as ingestion stores it, from an event as ai-bridge emits it. */
function record(day: Day, costMicroUsd = 1000): UsageRecordInput {
  const parsed = parseUsageEvent({
    id: `${Date.now()}-${randomUUID()}`,
    type: 'ai.usage',
    userId: USER,
    data: usage(new Date(`${day}T09:00:00.000Z`), { costMicroUsd }),
  });
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.value;
}

describe.each(databaseKinds())('raw usage retention (%s)', (kind) => {
  let db: PrismaClient;
  const rawCount = (day: Day) => db.usageRecord.count({ where: { day: startOfDay(day) } });
  const dayState = (day: Day) => db.rollupDay.findUniqueOrThrow({ where: { day: startOfDay(day) } });
  const report = async () => {
    const data = await loadReportData(db, RANGE, { kind: 'all' });
    return data.usage.map((u) => `${u.day} ${u.requests} ${u.costMicroUsd}`).sort();
  };

  useMigratedClient(kind, analyticsDatabase, (client) => {
    db = client;
  });

  it('purges rolled-up days past the retention, keeps the reports, and makes those days final', async () => {
    for (const day of [OLD, OLD, OLD, RECENT])
      expect(await insertUsageRecord(db, record(day))).toBe('stored');
    await rollUpClosedDays(db, NOW);
    const before = await report();
    expect(before).toEqual([`${OLD} 3 3000`, `${RECENT} 1 1000`]);

    // Not rolled up yet (it arrives after the roll-up): kept, however old.
    expect(await insertUsageRecord(db, record(UNROLLED))).toBe('stored');
    expect(await purgeRolledUpUsage(db, NOW, 30)).toBe(3);
    expect(await rawCount(OLD)).toBe(0);
    expect(await rawCount(RECENT)).toBe(1);
    expect(await rawCount(UNROLLED)).toBe(1);
    expect(await dayState(OLD)).toMatchObject({ current: true, rawPurged: true });
    expect(await report()).toEqual([...before, `${UNROLLED} 1 1000`].sort());

    // A late usage fact for a purged day is dropped; a late task fact is kept but the day's
    // roll-up stays current (a recompute from the remaining facts would lose its usage).
    expect(await insertUsageRecord(db, record(OLD, 5))).toBe('expired');
    const lateTask = { taskId: randomUUID(), userId: USER, createdAt: startOfDay(OLD), completedAt: null };
    expect(await recordTaskFact(db, lateTask, NOW)).toBe(true);
    expect(await dayState(OLD)).toMatchObject({ current: true, rawPurged: true });
    await rollUpClosedDays(db, NOW);
    expect(await report()).toEqual([...before, `${UNROLLED} 1 1000`].sort());

    // Once the late day is rolled up, the next run purges it too; a second run purges nothing.
    expect(await purgeRolledUpUsage(db, NOW, 30)).toBe(1);
    expect(await rawCount(UNROLLED)).toBe(0);
    expect(await purgeRolledUpUsage(db, NOW, 30)).toBe(0);
    expect(await report()).toEqual([...before, `${UNROLLED} 1 1000`].sort());
  });
  it('deletes a day in batches; a purge stopped between batches is finished by the next run', async () => {
    const DAY: Day = '2026-01-20';
    for (let i = 0; i < 5; i++) expect(await insertUsageRecord(db, record(DAY))).toBe('stored');
    await rollUpClosedDays(db, NOW);
    const before = await report();
    // Stops after the first batch (the first check is before the day, the next after a batch).
    let checks = 0;
    expect(await purgeRolledUpUsage(db, NOW, 30, () => ++checks > 1, 2)).toBe(2);
    expect(await rawCount(DAY)).toBe(3);
    // Marked purged before its first batch: final already, and the reports read its roll-up.
    expect(await dayState(DAY)).toMatchObject({ current: true, rawPurged: true });
    expect(await insertUsageRecord(db, record(DAY))).toBe('expired');
    expect(await report()).toEqual(before);

    expect(await purgeRolledUpUsage(db, NOW, 30, () => false, 2)).toBe(3);
    expect(await rawCount(DAY)).toBe(0);
    expect(await report()).toEqual(before);
    expect(await purgeRolledUpUsage(db, NOW, 30, () => false, 2)).toBe(0);
  });
});

describe('raw retention setting', () => {
  it('defaults to 90 days and refuses less than a week', () => {
    expect(analyticsSettings(analyticsEnvSchema.parse({})).rawRetentionDays).toBe(90);
    expect(analyticsEnvSchema.safeParse({ ELWOSA_ANALYTICS_RAW_RETENTION_DAYS: '6' }).success).toBe(false);
    expect(
      analyticsSettings(analyticsEnvSchema.parse({ ELWOSA_ANALYTICS_RAW_RETENTION_DAYS: '400' }))
        .rawRetentionDays,
    ).toBe(400);
  });
});

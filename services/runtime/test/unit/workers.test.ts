// The background loop, the once-per-interval schedule (on the in-process cache) and batch draining.
import { describe, expect, it } from 'vitest';
import { sleep, waitFor } from '../../../../test-support/wait.ts';
import {
  createCacheBus,
  createLogger,
  drainBatches,
  msUntilNextSlot,
  slotOf,
  startPeriodic,
  startSingletonSchedule,
} from '../../src/index.js';

const logger = createLogger({ level: 'silent' });

describe('periodic loop', () => {
  it('runs after each wait, at once when woken or when a run reports more work', async () => {
    let runs = 0;
    let more = 2;
    const loop = startPeriodic({
      name: 't',
      logger,
      delayMs: () => 60_000,
      run: async () => {
        runs++;
        return more-- > 0;
      },
    });
    await sleep(50);
    expect(runs).toBe(0); // still in the first wait
    loop.wake();
    await waitFor(() => runs === 3, 'the run and the two follow-ups', 1000);
    await sleep(50);
    expect(runs).toBe(3);
    await loop.stop();
  });

  it('keeps going after a failed run and waits for the run in flight when stopped', async () => {
    let runs = 0;
    let finished = false;
    const loop = startPeriodic({
      name: 't',
      logger,
      delayMs: () => 5,
      run: async () => {
        runs++;
        if (runs === 1) throw new Error('boom');
        if (runs === 3) {
          await sleep(100);
          finished = true;
        }
      },
    });
    await waitFor(() => runs === 3, 'the third run', 1000);
    await loop.stop();
    expect(finished).toBe(true);
    const after = runs;
    await sleep(30);
    expect(runs).toBe(after);
  });
});

describe('singleton schedule', () => {
  it('runs each slot once across replicas sharing the cache', async () => {
    const cache = await createCacheBus({ keyPrefix: `test:schedule:${Date.now()}:` });
    const intervalMs = 40;
    const ran: Array<{ slot: number; replica: number }> = [];
    const outcomes: string[] = [];
    const replicas = [0, 1, 2].map((replica) =>
      startSingletonSchedule({
        name: 'job',
        cache,
        intervalMs,
        owner: `r${replica}`,
        logger,
        now: () => new Date(),
        run: async (_now, { slot }) => {
          ran.push({ slot, replica });
        },
        onSlot: (o) => outcomes.push(o),
      }),
    );
    const firstSlot = slotOf(Date.now(), intervalMs);
    await sleep(intervalMs * 10);
    await Promise.all(replicas.map((r) => r.stop()));
    await cache.close();
    const slots = ran.map((r) => r.slot);
    expect(new Set(slots).size).toBe(slots.length); // never twice in one slot
    expect(slots.length).toBeGreaterThanOrEqual(5);
    expect(Math.min(...slots)).toBeLessThanOrEqual(firstSlot + 2);
    expect(outcomes.filter((o) => o === 'skipped').length).toBeGreaterThanOrEqual(slots.length - 2);
  });
});

describe('slots', () => {
  it('cuts time into slots and waits for the next one', () => {
    expect(slotOf(0, 1000)).toBe(0);
    expect(slotOf(1999, 1000)).toBe(1);
    expect(msUntilNextSlot(1000, 1000)).toBe(1000);
    expect(msUntilNextSlot(1999, 1000)).toBe(1);
  });

  it('tells a long job that the schedule is stopping, and reports failures', async () => {
    const cache = await createCacheBus({ keyPrefix: `test:schedule-stop:${Date.now()}:` });
    const outcomes: string[] = [];
    let sawStop = false;
    let calls = 0;
    const schedule = startSingletonSchedule({
      name: 'long',
      cache,
      intervalMs: 20,
      owner: 'r',
      logger,
      now: () => new Date(),
      run: async (_now, { stopped }) => {
        calls++;
        if (calls === 1) throw new Error('boom');
        while (!stopped()) await sleep(5);
        sawStop = true;
      },
      onSlot: (o) => outcomes.push(o),
    });
    await waitFor(() => calls >= 2, 'the second slot', 2000);
    await schedule.stop();
    expect(sawStop).toBe(true);
    expect(outcomes[0]).toBe('failed');
    await cache.close();
  });
});

describe('drainBatches', () => {
  it('runs batches until one comes back short, and totals them', async () => {
    const sizes = [3, 3, 1, 3];
    let calls = 0;
    expect(await drainBatches(async () => sizes[calls++]!, 3)).toBe(7);
    expect(calls).toBe(3);
  });

  it('stops after the current batch when asked, and passes a failure on', async () => {
    let calls = 0;
    let stop = false;
    const full = async () => {
      calls++;
      if (calls === 2) stop = true;
      return 5;
    };
    expect(await drainBatches(full, 5, () => stop)).toBe(10);
    await expect(drainBatches(async () => Promise.reject(new Error('boom')), 5)).rejects.toThrow('boom');
  });
});

// The background loop and the once-per-interval schedule, on the in-process cache.
import { createCacheBus, createLogger } from '@elwosa/runtime';
import { describe, expect, it } from 'vitest';
import { startPeriodic } from '../src/workers/periodic.js';
import { slotOf, startSingletonSchedule } from '../src/workers/singleton-schedule.js';
import { sleep, waitFor } from './helpers.js';

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
        run: async (_now, slot) => {
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

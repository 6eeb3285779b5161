import { describe, expect, it } from 'vitest';
import { ItemBackoff, TokenBucket } from '../../src/controller/rate-limit.js';
import { WorkQueue } from '../../src/controller/workqueue.js';

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

describe('WorkQueue', () => {
  it('de-duplicates queued keys', async () => {
    const seen: string[] = [];
    const q = new WorkQueue(async (k) => {
      seen.push(k);
      return {};
    });
    q.add('a');
    q.add('a');
    q.add('b');
    q.add('a');
    q.start();
    await q.idle();
    expect(seen.sort()).toEqual(['a', 'b']);
  });

  it('never processes one key twice at once, and re-runs a key added while it was processing', async () => {
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    let release: () => void = () => {};
    const q = new WorkQueue(
      async () => {
        running++;
        runs++;
        maxRunning = Math.max(maxRunning, running);
        if (runs === 1) await new Promise<void>((r) => (release = r));
        running--;
        return {};
      },
      { concurrency: 4 },
    );
    q.start();
    q.add('k');
    await tick(5);
    q.add('k');
    q.add('k');
    await tick(5);
    expect(runs).toBe(1);
    release();
    await tick(10);
    await q.idle();
    expect(runs).toBe(2);
    expect(maxRunning).toBe(1);
  });

  it('runs different keys concurrently up to the limit', async () => {
    let running = 0;
    let maxRunning = 0;
    const q = new WorkQueue(
      async () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await tick(10);
        running--;
        return {};
      },
      { concurrency: 2 },
    );
    for (const k of ['a', 'b', 'c', 'd', 'e']) q.add(k);
    q.start();
    await tick(5);
    await q.idle();
    expect(maxRunning).toBe(2);
  });

  it('retries failures with growing per-key backoff and resets after success', async () => {
    const times: number[] = [];
    const q = new WorkQueue(
      async () => {
        times.push(Date.now());
        if (times.length < 4) throw new Error('boom');
        return {};
      },
      { backoffBaseMs: 10, backoffMaxMs: 1000 },
    );
    q.start();
    q.add('k');
    for (let i = 0; i < 100 && times.length < 4; i++) await tick(10);
    expect(times).toHaveLength(4);
    const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
    expect(gaps[0]).toBeGreaterThanOrEqual(9);
    expect(gaps[1]).toBeGreaterThanOrEqual(19);
    expect(gaps[2]).toBeGreaterThanOrEqual(39);
    await q.stop();
  });

  it('requeues after the requested delay', async () => {
    let runs = 0;
    const q = new WorkQueue(async () => (++runs < 3 ? { requeueAfterMs: 5 } : {}));
    q.start();
    q.add('k');
    for (let i = 0; i < 50 && runs < 3; i++) await tick(5);
    expect(runs).toBe(3);
    await q.stop();
  });
});

describe('rate limits', () => {
  it('backs off 5 ms × 2^n up to the cap, per item', () => {
    const b = new ItemBackoff<string>(5, 1000);
    expect([b.next('a'), b.next('a'), b.next('a'), b.next('b')]).toEqual([5, 10, 20, 5]);
    for (let i = 0; i < 20; i++) b.next('a');
    expect(b.next('a')).toBe(1000);
    b.forget('a');
    expect(b.next('a')).toBe(5);
  });

  it('hands out a burst, then qps tokens', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 3, () => now);
    expect([bucket.reserve(), bucket.reserve(), bucket.reserve()]).toEqual([0, 0, 0]);
    expect(bucket.reserve()).toBe(100);
    now = 1000;
    expect(bucket.reserve()).toBe(0);
  });
});

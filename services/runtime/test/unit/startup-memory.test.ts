// reclaimStartupMemory: one memory-reducing full GC that gives the young generation back.
import v8 from 'node:v8';
import { expect, it } from 'vitest';
import { reclaimStartupMemory } from '../../src/lifecycle/startup-memory.js';

const MB = 1024 * 1024;
const youngGeneration = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!;

it('gives back the young generation a startup-like burst grew, and keeps live objects', () => {
  // Many objects that survive a few scavenges (as while modules load): V8 grows the young
  // generation for them and keeps it after they die.
  let recent: { i: number; s: string }[] = [];
  for (let i = 0; i < 400_000; i++) {
    recent.push({ i, s: `x${i}` });
    if (recent.length > 100_000) recent = recent.slice(50_000);
  }
  const kept = recent.slice(-3);
  recent = [];
  const grown = youngGeneration().physical_space_size;
  expect(grown).toBeGreaterThan(8 * MB);

  expect(reclaimStartupMemory()).toBeGreaterThanOrEqual(0);
  expect(youngGeneration().physical_space_size).toBeLessThan(2 * MB);
  expect(kept.map((o) => o.i)).toEqual([399_997, 399_998, 399_999]);
  // Callable again (the gc function is obtained once).
  expect(reclaimStartupMemory()).toBeGreaterThanOrEqual(0);
});

import { describe, expect, it } from 'vitest';
import { WriteMemo } from '../../src/controller/write-memo.js';

describe('WriteMemo', () => {
  it('reports a write while the cache still shows the version it was based on, within the TTL', () => {
    let now = 0;
    const memo = new WriteMemo<string>(100, () => now);
    memo.remember('k', '5', 'h1');
    expect(memo.pending('k', '5')).toBe('h1');
    now = 50;
    expect(memo.pending('k', '5')).toBe('h1');
    expect(memo.pending('k', '6')).toBeUndefined(); // the cache caught up: forgotten
    expect(memo.pending('k', '5')).toBeUndefined();
  });

  it('expires entries, so a missed deletion is noticed', () => {
    let now = 0;
    const memo = new WriteMemo<string>(100, () => now);
    memo.remember('k', undefined, 'created');
    expect(memo.pending('k', undefined)).toBe('created');
    now = 101;
    expect(memo.pending('k', undefined)).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { createMessageBudget } from '../../src/ws/message-budget.js';

describe('message budget', () => {
  it('allows a burst, then refills at the rate', () => {
    let t = 0;
    const take = createMessageBudget({ perSecond: 2, burst: 3, now: () => t });
    expect([take(), take(), take(), take()]).toEqual([true, true, true, false]);
    t += 499;
    expect(take()).toBe(false);
    t += 1;
    expect(take()).toBe(true);
    expect(take()).toBe(false);
    t += 10_000;
    expect([take(), take(), take(), take()]).toEqual([true, true, true, false]);
  });
});

// The operator keeps its own copy of the target table (its image does not ship the platform
// runtime); this test keeps the two from drifting apart.
import { describe, expect, it } from 'vitest';
import * as platform from '../../../services/runtime/src/config/targets.js';
import { TARGET_PORTS, TARGETS, targetEnvName } from '../../src/api/targets.js';

describe('target contract', () => {
  it('deploys exactly the platform targets on their ports', () => {
    expect([...TARGETS]).toEqual([...platform.TARGETS]);
    expect(TARGET_PORTS).toEqual(platform.DEFAULT_PORTS);
    for (const t of TARGETS) expect(targetEnvName(t)).toBe(platform.targetEnvName(t));
  });
});

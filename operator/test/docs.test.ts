import { describe, expect, it } from 'vitest';
import { CONDITION_TYPES } from '../src/api/elwosastack.js';
import { updateReference } from '../src/api/reference.js';
import { OperatorMetrics } from '../src/controller/metrics.js';
import { readRepoFile } from './support/fixtures.js';

const doc = readRepoFile('docs', 'operator.md');

describe('docs/operator.md', () => {
  it('has up-to-date spec and status tables (regenerate: npx elwosa-operator docs -f docs/operator.md)', () => {
    expect(updateReference(doc)).toBe(doc);
  });

  it('documents every condition type and every operator metric', async () => {
    for (const c of CONDITION_TYPES) expect(doc, c).toContain(`| \`${c}\` |`);
    const metrics = new OperatorMetrics(false);
    const names = (await metrics.registry.getMetricsAsJSON()).map((m) => m.name);
    expect(names.length).toBeGreaterThan(5);
    for (const n of names) expect(doc, n).toContain(`\`${n}\``);
  });
});

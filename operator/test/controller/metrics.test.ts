import { describe, expect, it } from 'vitest';
import { OperatorMetrics } from '../../src/controller/metrics.js';

describe('operator metrics', () => {
  it('reads the queue depth at scrape time', async () => {
    const m = new OperatorMetrics(false);
    let depth = 3;
    m.queueDepthFrom(() => depth);
    expect(await m.registry.metrics()).toContain('elwosa_operator_workqueue_depth 3');
    depth = 0;
    expect(await m.registry.metrics()).toContain('elwosa_operator_workqueue_depth 0');
  });

  it('exports one series per condition status and forgets deleted stacks', async () => {
    const m = new OperatorMetrics(false);
    const c = { type: 'Ready', status: 'True' as const, reason: 'R', message: '', lastTransitionTime: 't' };
    m.setConditions('ns', 's', [c]);
    const text = await m.registry.metrics();
    expect(text).toContain(
      'elwosa_operator_stack_condition{namespace="ns",stack="s",condition="Ready",status="True"} 1',
    );
    expect(text).toContain(
      'elwosa_operator_stack_condition{namespace="ns",stack="s",condition="Ready",status="False"} 0',
    );
    m.forgetStack('ns', 's');
    expect(await m.registry.metrics()).not.toContain('stack="s"');
  });
});

import { describe, expect, it } from 'vitest';
import type { Condition } from '../../src/api/elwosastack.js';
import { mergeConditions, normaliseTime } from '../../src/controller/conditions.js';
import { eventObject, transitionEvents } from '../../src/controller/events.js';
import {
  cnpgReadiness,
  jobState,
  unschedulableMessage,
  workloadReadiness,
} from '../../src/controller/readiness.js';
import { computeStatus, type Observation } from '../../src/controller/status.js';
import { stack } from '../support/stacks.js';

const ready = { ready: true, reason: 'Ready', message: 'ok' };
const notReady = { ready: false, reason: 'ReplicasNotReady', message: '0/1' };

function observation(overrides: Partial<Observation> = {}): Observation {
  return {
    generation: 3,
    previous: undefined,
    now: '2026-01-01T00:00:00Z',
    version: '0.1.0',
    gatewayURL: 'http://gw',
    database: ready,
    cache: ready,
    migrations: { state: 'succeeded', message: 'done' },
    targets: { gateway: ready, auth: ready },
    ollama: { ...ready, readyReplicas: 1, replicas: 1, gpu: false, modelCount: 1 },
    openAIConfigured: false,
    monitoring: { status: 'True', reason: 'MonitoringDisabled', message: '' },
    applyError: undefined,
    ...overrides,
  };
}
const cond = (s: { conditions?: Condition[] }, type: string) => s.conditions?.find((c) => c.type === type);

describe('conditions', () => {
  it('keep lastTransitionTime unless the status flips, and record the generation', () => {
    const first = mergeConditions(
      undefined,
      [{ type: 'Ready', status: 'False', reason: 'A', message: 'a' }],
      1,
      't1',
    );
    const sameStatus = mergeConditions(
      first,
      [{ type: 'Ready', status: 'False', reason: 'B', message: 'b' }],
      2,
      't2',
    );
    expect(sameStatus[0]).toMatchObject({ lastTransitionTime: 't1', reason: 'B', observedGeneration: 2 });
    const flipped = mergeConditions(
      sameStatus,
      [{ type: 'Ready', status: 'True', reason: 'C', message: 'c' }],
      2,
      '2026-01-01T00:00:03Z',
    );
    expect(flipped[0]?.lastTransitionTime).toBe('2026-01-01T00:00:03Z');
  });

  it('normalises Date and string timestamps to the same text', () => {
    expect(normaliseTime(new Date('2026-01-01T00:00:00.000Z'))).toBe('2026-01-01T00:00:00Z');
    expect(normaliseTime('2026-01-01T00:00:00Z')).toBe('2026-01-01T00:00:00Z');
  });
});

describe('computeStatus', () => {
  it('is Ready when every component is', () => {
    const s = computeStatus(observation());
    expect(s.phase).toBe('Ready');
    expect(cond(s, 'Ready')).toMatchObject({
      status: 'True',
      reason: 'AllComponentsReady',
      observedGeneration: 3,
    });
    expect(cond(s, 'Progressing')?.status).toBe('False');
    expect(s.observedGeneration).toBe(3);
    expect(s.version).toBe('0.1.0');
    expect(s.conditions?.map((c) => c.type)).toEqual([
      'Ready',
      'Progressing',
      'Degraded',
      'Reconciled',
      'DatabaseReady',
      'CacheReady',
      'InferenceReady',
      'ModelsReady',
      'MonitoringReady',
    ]);
  });

  it('names the first blocker in bring-up order', () => {
    expect(cond(computeStatus(observation({ database: notReady, cache: notReady })), 'Ready')?.reason).toBe(
      'WaitingForDatabase',
    );
    expect(cond(computeStatus(observation({ cache: notReady })), 'Ready')?.reason).toBe('WaitingForCache');
    const migrating = computeStatus(
      observation({ migrations: { state: 'running', message: 'm' }, previous: { version: '0.0.9' } }),
    );
    expect(cond(migrating, 'Ready')?.reason).toBe('WaitingForMigrations');
    expect(migrating.version).toBe('0.0.9');
    expect(cond(computeStatus(observation({ targets: { gateway: notReady } })), 'Ready')).toMatchObject({
      reason: 'ServicesNotReady',
      message: 'not ready: gateway',
    });
  });

  it('reports GPU scheduling failures as Degraded with the scheduler message', () => {
    const s = computeStatus(
      observation({
        ollama: {
          ...notReady,
          readyReplicas: 0,
          gpu: true,
          modelCount: 2,
          unschedulable: '0/3 nodes are available: 3 Insufficient nvidia.com/gpu.',
        },
      }),
    );
    expect(cond(s, 'InferenceReady')).toMatchObject({ status: 'False', reason: 'GpuUnschedulable' });
    expect(cond(s, 'InferenceReady')?.message).toContain('Insufficient nvidia.com/gpu');
    expect(cond(s, 'Degraded')).toMatchObject({ status: 'True', reason: 'GpuUnschedulable' });
    expect(s.phase).toBe('Degraded');
  });

  it('treats OpenAI as inference when Ollama is off, and failed migrations as Degraded', () => {
    expect(
      cond(computeStatus(observation({ ollama: undefined, openAIConfigured: true })), 'InferenceReady')
        ?.reason,
    ).toBe('OpenAIConfigured');
    expect(cond(computeStatus(observation({ ollama: undefined })), 'Ready')?.reason).toBe(
      'NoInferenceBackend',
    );
    const failed = computeStatus(observation({ migrations: { state: 'failed', message: 'boom' } }));
    expect(cond(failed, 'Degraded')?.reason).toBe('MigrationsFailed');
    expect(cond(failed, 'Ready')?.reason).toBe('MigrationsFailed');
  });

  it('reports an invalid spec above everything else', () => {
    const s = computeStatus(observation({ invalidSpec: 'the spec is invalid: x', database: notReady }));
    for (const type of ['Ready', 'Reconciled'])
      expect(cond(s, type), type).toMatchObject({ status: 'False', reason: 'InvalidSpec' });
    expect(cond(s, 'Degraded')).toMatchObject({ status: 'True', reason: 'InvalidSpec' });
    expect(s.phase).toBe('Degraded');
  });

  it('marks a failed apply as Reconciled=False', () => {
    const s = computeStatus(observation({ applyError: 'PATCH ...: 500' }));
    expect(cond(s, 'Reconciled')).toMatchObject({ status: 'False', reason: 'ApplyFailed' });
  });
});

describe('events', () => {
  it('fire only on transitions into states worth telling', () => {
    const before = computeStatus(observation({ database: notReady, cache: notReady }));
    const after = computeStatus(observation({ previous: before }));
    expect(
      transitionEvents(before.conditions, after.conditions ?? []).map((e) => `${e.type}/${e.reason}`),
    ).toEqual(['Normal/StackReady', 'Normal/DatabaseReady', 'Normal/CacheReady']);
    expect(
      transitionEvents(after.conditions, computeStatus(observation({ previous: after })).conditions ?? []),
    ).toEqual([]);
    const broken = computeStatus(observation({ previous: after, targets: { gateway: notReady } }));
    expect(
      transitionEvents(after.conditions, broken.conditions ?? []).map((e) => `${e.type}/${e.reason}`),
    ).toEqual(['Warning/StackNotReady']);
  });

  it('builds events.k8s.io/v1 Events regarding the stack', () => {
    const e = eventObject(
      stack({}, 's1', 'ns1', 'uid-1'),
      { type: 'Warning', reason: 'GpuUnschedulable', action: 'SetInferenceReadyFalse', note: 'n' },
      'pod-1',
      new Date('2026-01-01T00:00:00.123Z'),
    );
    expect(e).toMatchObject({
      apiVersion: 'events.k8s.io/v1',
      eventTime: '2026-01-01T00:00:00.123000Z',
      reportingController: 'elwosa.io/operator',
      reportingInstance: 'pod-1',
      regarding: { kind: 'ElwosaStack', name: 's1', namespace: 'ns1', uid: 'uid-1' },
    });
  });
});

describe('readiness', () => {
  it('needs the observed generation and every replica updated and ready', () => {
    const d = (status: object, generation = 2, replicas = 2) => ({
      metadata: { generation },
      spec: { replicas },
      status,
    });
    expect(workloadReadiness(undefined, 'x').reason).toBe('NotCreated');
    expect(
      workloadReadiness(d({ observedGeneration: 1, readyReplicas: 2, updatedReplicas: 2 }), 'x').reason,
    ).toBe('RollingOut');
    expect(
      workloadReadiness(d({ observedGeneration: 2, readyReplicas: 1, updatedReplicas: 2 }), 'x').ready,
    ).toBe(false);
    expect(
      workloadReadiness(d({ observedGeneration: 2, readyReplicas: 2, updatedReplicas: 2 }), 'x').ready,
    ).toBe(true);
  });

  it('reads Job, CloudNativePG and pod scheduling states', () => {
    expect(jobState({ status: { conditions: [{ type: 'Complete', status: 'True' }] } }).state).toBe(
      'succeeded',
    );
    expect(
      jobState({ status: { conditions: [{ type: 'Failed', status: 'True', message: 'x' }] } }).state,
    ).toBe('failed');
    expect(jobState({ status: {} }).state).toBe('running');
    expect(cnpgReadiness({ spec: { instances: 3 }, status: { readyInstances: 3 } }).ready).toBe(true);
    expect(cnpgReadiness({ spec: { instances: 3 }, status: { readyInstances: 2 } }).ready).toBe(false);
    const pending = {
      status: {
        phase: 'Pending',
        conditions: [
          {
            type: 'PodScheduled',
            status: 'False',
            reason: 'Unschedulable',
            message: 'Insufficient nvidia.com/gpu',
          },
        ],
      },
    };
    expect(unschedulableMessage([{ status: { phase: 'Running' } }, pending])).toBe(
      'Insufficient nvidia.com/gpu',
    );
    expect(unschedulableMessage([{ status: { phase: 'Pending', conditions: [] } }])).toBeUndefined();
  });
});

// events.k8s.io/v1 Events for meaningful condition transitions only (never on a no-op reconcile).
import { randomBytes } from 'node:crypto';
import {
  API_VERSION,
  type Condition,
  type ConditionType,
  type ElwosaStack,
  KIND,
} from '../api/elwosastack.js';
import { findCondition } from './conditions.js';
import type { KubeApi, KubeObjectJson } from './kube-api.js';

export const REPORTING_CONTROLLER = 'elwosa.io/operator';

export interface EventSpec {
  type: 'Normal' | 'Warning';
  reason: string;
  action: string;
  note: string;
}

interface Rule {
  condition: ConditionType;
  status: Condition['status'];
  type: EventSpec['type'];
  /** Fixed event reason; default: the condition's reason. */
  reason?: string;
}

const RULES: Rule[] = [
  { condition: 'Ready', status: 'True', type: 'Normal', reason: 'StackReady' },
  { condition: 'DatabaseReady', status: 'True', type: 'Normal', reason: 'DatabaseReady' },
  { condition: 'CacheReady', status: 'True', type: 'Normal', reason: 'CacheReady' },
  { condition: 'ModelsReady', status: 'True', type: 'Normal', reason: 'ModelsPulled' },
  { condition: 'Degraded', status: 'True', type: 'Warning' },
  { condition: 'Reconciled', status: 'False', type: 'Warning', reason: 'ApplyFailed' },
  { condition: 'MonitoringReady', status: 'Unknown', type: 'Warning', reason: 'MonitoringCRDsMissing' },
];

/** Events for conditions whose status or reason changed into a state a rule names. */
export function transitionEvents(
  previous: readonly Condition[] | undefined,
  next: readonly Condition[],
): EventSpec[] {
  const out: EventSpec[] = [];
  for (const c of next) {
    const old = findCondition(previous, c.type);
    if (old && old.status === c.status && old.reason === c.reason) continue;
    const rule = RULES.find((r) => r.condition === c.type && r.status === c.status);
    if (!rule) continue;
    out.push({
      type: rule.type,
      reason: rule.reason ?? c.reason,
      action: `Set${c.type}${c.status}`,
      note: c.message.slice(0, 1024),
    });
  }
  // Ready going from True to False deserves a warning of its own.
  const wasReady = findCondition(previous, 'Ready')?.status === 'True';
  const ready = findCondition(next, 'Ready');
  if (wasReady && ready && ready.status !== 'True')
    out.push({
      type: 'Warning',
      reason: 'StackNotReady',
      action: 'SetReadyFalse',
      note: ready.message.slice(0, 1024),
    });
  return out;
}

export function eventObject(
  stack: ElwosaStack,
  spec: EventSpec,
  instance: string,
  now: Date,
): KubeObjectJson {
  return {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: {
      name: `${stack.metadata.name}.${randomBytes(8).toString('hex')}`,
      namespace: stack.metadata.namespace,
    },
    eventTime: now.toISOString().replace('Z', '000Z'),
    reportingController: REPORTING_CONTROLLER,
    reportingInstance: instance,
    action: spec.action,
    reason: spec.reason,
    type: spec.type,
    note: spec.note,
    regarding: {
      apiVersion: API_VERSION,
      kind: KIND,
      name: stack.metadata.name,
      namespace: stack.metadata.namespace,
      ...(stack.metadata.uid ? { uid: stack.metadata.uid } : {}),
    },
  };
}

export class EventRecorder {
  constructor(
    private readonly api: KubeApi,
    private readonly instance: string,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  /** Best effort: a failed Event never fails a reconcile. */
  async record(stack: ElwosaStack, specs: readonly EventSpec[]): Promise<void> {
    for (const spec of specs) {
      try {
        await this.api.create(eventObject(stack, spec, this.instance, new Date()));
      } catch (err) {
        this.onError(err);
      }
    }
  }
}

// A small simulation of the controllers the operator relies on: Deployments and StatefulSets
// become ready (unless their pods ask for more of an extended resource than the fake nodes
// have: then Pending pods with an Unschedulable condition appear), Jobs complete, and
// CloudNativePG Clusters report ready instances. Status writes go through the store as the
// kube-controller-manager would make them.
import { isDeepStrictEqual } from 'node:util';
import type { KubeRecord } from './fields.js';
import { ApiError, now, type ObjectStore, type StoreEvent } from './store.js';

export interface SimulationOptions {
  /** Delay before a workload becomes ready or a Job completes (ms). */
  readyDelayMs: number;
  /** Extended resources the fake nodes offer in total, e.g. { 'nvidia.com/gpu': 0 }. */
  capacity: Record<string, number>;
  /** Jobs fail instead of completing. */
  failJobs: boolean;
}

type Obj = KubeRecord & {
  metadata: {
    name: string;
    namespace: string;
    uid: string;
    generation: number;
    labels?: Record<string, string>;
  };
  spec: KubeRecord;
  status?: KubeRecord;
};
const MANAGER = { manager: 'kube-controller-manager', subresource: 'status' as const };

export class ControllerSimulation {
  readonly options: SimulationOptions;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: ObjectStore,
    options: Partial<SimulationOptions> = {},
  ) {
    this.options = { readyDelayMs: 20, capacity: {}, failJobs: false, ...options };
    this.unsubscribe = store.subscribe((e) => this.onEvent(e));
  }

  stop(): void {
    this.unsubscribe();
    for (const t of this.timers) clearTimeout(t);
  }

  /** Re-run every workload (e.g. after changing capacity). */
  resync(): void {
    for (const kind of ['deployments', 'statefulsets', 'jobs'] as const) {
      const group = kind === 'jobs' ? 'batch' : 'apps';
      const t = this.store.resourceType(group, 'v1', kind);
      if (t) for (const o of this.store.list(t, undefined)) this.schedule(kind, o as Obj);
    }
  }

  private onEvent(e: StoreEvent): void {
    if (e.event === 'DELETED') {
      if (e.type.plural === 'statefulsets') this.deletePods(e.object as Obj);
      return;
    }
    const kind = `${e.type.group}/${e.type.plural}`;
    if (
      kind === 'apps/deployments' ||
      kind === 'apps/statefulsets' ||
      kind === 'batch/jobs' ||
      kind === 'postgresql.cnpg.io/clusters'
    ) {
      this.schedule(e.type.plural, e.object as Obj);
    }
  }

  private schedule(plural: string, o: Obj): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      try {
        this.reconcile(plural, o);
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 404)) throw err;
      }
    }, this.options.readyDelayMs);
    this.timers.add(timer);
  }

  private reconcile(plural: string, stale: Obj): void {
    const { group, version } = splitApiVersion(stale.apiVersion as string);
    const t = this.store.resourceType(group, version, plural);
    if (!t) return;
    const o = this.store.get(t, stale.metadata.namespace, stale.metadata.name) as Obj;
    const status = this.desiredStatus(plural, o);
    if (status && !isDeepStrictEqual(withoutTimes(o.status), withoutTimes(status))) {
      this.store.update(t, o.metadata.namespace, o.metadata.name, { ...o, status }, MANAGER);
    }
  }

  private desiredStatus(plural: string, o: Obj): KubeRecord | undefined {
    const replicas = (o.spec.replicas as number | undefined) ?? 1;
    switch (plural) {
      case 'deployments': {
        const ready = this.schedulable(o) ? replicas : 0;
        return {
          observedGeneration: o.metadata.generation,
          replicas,
          updatedReplicas: replicas,
          readyReplicas: ready,
          availableReplicas: ready,
          conditions: [
            {
              type: 'Available',
              status: ready >= replicas ? 'True' : 'False',
              reason: ready >= replicas ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
              lastTransitionTime: now(),
            },
          ],
        };
      }
      case 'statefulsets': {
        const schedulable = this.schedulable(o);
        this.syncPods(o, replicas, schedulable);
        const ready = schedulable ? replicas : 0;
        return {
          observedGeneration: o.metadata.generation,
          replicas,
          readyReplicas: ready,
          currentReplicas: replicas,
          updatedReplicas: replicas,
          availableReplicas: ready,
        };
      }
      case 'jobs': {
        if (this.options.failJobs) {
          return {
            failed: 1,
            conditions: [
              {
                type: 'Failed',
                status: 'True',
                reason: 'BackoffLimitExceeded',
                message: 'Job has reached the specified backoff limit',
                lastTransitionTime: now(),
              },
            ],
          };
        }
        return {
          succeeded: 1,
          completionTime: now(),
          conditions: [
            {
              type: 'SuccessCriteriaMet',
              status: 'True',
              reason: 'CompletionsReached',
              message: 'Reached expected number of succeeded pods',
              lastTransitionTime: now(),
            },
            {
              type: 'Complete',
              status: 'True',
              reason: 'CompletionsReached',
              message: 'Reached expected number of succeeded pods',
              lastTransitionTime: now(),
            },
          ],
        };
      }
      case 'clusters':
        return {
          instances: o.spec.instances,
          readyInstances: o.spec.instances,
          phase: 'Cluster in healthy state',
        };
      default:
        return undefined;
    }
  }

  /** Whether the pods' extended-resource requests fit the fake capacity. */
  private schedulable(o: Obj): boolean {
    return this.missingResource(o) === undefined;
  }

  private missingResource(o: Obj): string | undefined {
    const replicas = (o.spec.replicas as number | undefined) ?? 1;
    const containers =
      (
        (o.spec.template as KubeRecord)?.spec as {
          containers?: { resources?: { limits?: Record<string, string> } }[];
        }
      )?.containers ?? [];
    for (const [resource, capacity] of Object.entries(this.options.capacity)) {
      const perPod = containers.reduce((n, c) => n + Number(c.resources?.limits?.[resource] ?? 0), 0);
      if (perPod > 0 && perPod * replicas > capacity) return resource;
    }
    return undefined;
  }

  /** Pending pods with the scheduler's condition when a StatefulSet does not fit. */
  private syncPods(o: Obj, replicas: number, schedulable: boolean): void {
    const pods = this.store.resourceType('', 'v1', 'pods');
    if (!pods) return;
    const resource = this.missingResource(o);
    for (let i = 0; i < replicas; i++) {
      const name = `${o.metadata.name}-${i}`;
      const exists = this.store.list(pods, o.metadata.namespace, null, `metadata.name=${name}`).length > 0;
      if (schedulable) {
        if (exists) this.store.delete(pods, o.metadata.namespace, name);
        continue;
      }
      if (exists) continue;
      const labels =
        ((o.spec.template as KubeRecord)?.metadata as { labels?: Record<string, string> })?.labels ?? {};
      this.store.create(
        pods,
        o.metadata.namespace,
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            name,
            namespace: o.metadata.namespace,
            labels,
            ownerReferences: [
              {
                apiVersion: 'apps/v1',
                kind: 'StatefulSet',
                name: o.metadata.name,
                uid: o.metadata.uid,
                controller: true,
              },
            ],
          },
          spec: (o.spec.template as KubeRecord).spec,
          status: {
            phase: 'Pending',
            conditions: [
              {
                type: 'PodScheduled',
                status: 'False',
                reason: 'Unschedulable',
                message: `0/3 nodes are available: 3 Insufficient ${resource}. preemption: 0/3 nodes are available.`,
                lastTransitionTime: now(),
              },
            ],
          },
        },
        { manager: 'kube-scheduler' },
      );
    }
  }

  private deletePods(o: Obj): void {
    const pods = this.store.resourceType('', 'v1', 'pods');
    if (!pods) return;
    for (const p of this.store.list(pods, o.metadata.namespace)) {
      const m = p.metadata as { name: string; ownerReferences?: { uid: string }[] };
      if ((m.ownerReferences ?? []).some((r) => r.uid === o.metadata.uid)) {
        try {
          this.store.delete(pods, o.metadata.namespace, m.name);
        } catch (err) {
          if (!(err instanceof ApiError && err.code === 404)) throw err;
        }
      }
    }
  }
}

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const [group, version] = apiVersion.includes('/')
    ? (apiVersion.split('/') as [string, string])
    : ['', apiVersion];
  return { group, version };
}

/** Status without timestamps, so unchanged status is not rewritten. */
function withoutTimes(status: unknown): unknown {
  return JSON.parse(
    JSON.stringify(status ?? null, (k, v) =>
      k === 'lastTransitionTime' || k === 'completionTime' ? undefined : v,
    ),
  );
}

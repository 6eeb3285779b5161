// Reading readiness out of live objects. Pure functions over plain JSON.

export interface Readiness {
  ready: boolean;
  reason: string;
  message: string;
  replicas?: number;
  readyReplicas?: number;
  image?: string;
}

interface WorkloadJson {
  metadata: { generation?: number };
  spec?: { replicas?: number; template?: { spec?: { containers?: { image?: string }[] } } };
  status?: {
    observedGeneration?: number;
    readyReplicas?: number;
    updatedReplicas?: number;
    replicas?: number;
  };
}

/** A Deployment or StatefulSet: observed its generation and every desired replica is updated and ready. */
export function workloadReadiness(obj: WorkloadJson | undefined, what: string): Readiness {
  if (!obj) return { ready: false, reason: 'NotCreated', message: `${what} is not created yet` };
  const desired = obj.spec?.replicas ?? 1;
  const status = obj.status ?? {};
  const readyReplicas = status.readyReplicas ?? 0;
  const image = obj.spec?.template?.spec?.containers?.[0]?.image;
  const base = { replicas: desired, readyReplicas, ...(image ? { image } : {}) };
  if ((status.observedGeneration ?? 0) < (obj.metadata.generation ?? 1)) {
    return {
      ...base,
      ready: false,
      reason: 'RollingOut',
      message: `${what}: the new spec is not observed yet`,
    };
  }
  if (readyReplicas < desired || (status.updatedReplicas ?? readyReplicas) < desired) {
    return {
      ...base,
      ready: false,
      reason: 'ReplicasNotReady',
      message: `${what}: ${readyReplicas}/${desired} replicas ready`,
    };
  }
  return {
    ...base,
    ready: true,
    reason: 'Ready',
    message: `${what}: ${readyReplicas}/${desired} replicas ready`,
  };
}

export type JobState = 'missing' | 'running' | 'succeeded' | 'failed';

interface JobJson {
  status?: { conditions?: { type: string; status: string; message?: string }[] };
}

export function jobState(job: JobJson | undefined): { state: JobState; message: string } {
  if (!job) return { state: 'missing', message: 'the migrations Job is not created yet' };
  const conditions = job.status?.conditions ?? [];
  const is = (type: string) => conditions.find((c) => c.type === type && c.status === 'True');
  if (is('Complete')) return { state: 'succeeded', message: 'migrations applied' };
  const failed = is('Failed');
  if (failed)
    return { state: 'failed', message: `migrations failed: ${failed.message ?? 'see the Job logs'}` };
  return { state: 'running', message: 'migrations are running' };
}

interface PodJson {
  status?: {
    phase?: string;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
  };
}

/** The scheduler's message when a pod cannot be scheduled (Pending, PodScheduled=False/Unschedulable). */
export function unschedulableMessage(pods: readonly PodJson[]): string | undefined {
  for (const pod of pods) {
    if (pod.status?.phase !== 'Pending') continue;
    const scheduled = pod.status.conditions?.find((c) => c.type === 'PodScheduled');
    if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable')
      return scheduled.message ?? 'Unschedulable';
  }
  return undefined;
}

interface CnpgClusterJson {
  spec?: { instances?: number };
  status?: { readyInstances?: number; phase?: string };
}

export function cnpgReadiness(cluster: CnpgClusterJson | undefined): Readiness {
  if (!cluster)
    return { ready: false, reason: 'NotCreated', message: 'the CloudNativePG Cluster is not created yet' };
  const desired = cluster.spec?.instances ?? 1;
  const readyInstances = cluster.status?.readyInstances ?? 0;
  const ready = readyInstances >= desired;
  return {
    ready,
    reason: ready ? 'ClusterReady' : 'ClusterNotReady',
    message: `CloudNativePG: ${readyInstances}/${desired} instances ready${cluster.status?.phase ? ` (${cluster.status.phase})` : ''}`,
    replicas: desired,
    readyReplicas: readyInstances,
  };
}

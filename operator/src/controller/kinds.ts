// The kinds the operator reads or writes, with their REST resource names (no discovery needed).

export interface Kind {
  apiVersion: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

const k = (apiVersion: string, kind: string, plural: string, namespaced = true): Kind => ({
  apiVersion,
  kind,
  plural,
  namespaced,
});

export const KINDS = {
  stack: k('elwosa.io/v1alpha1', 'ElwosaStack', 'elwosastacks'),
  secret: k('v1', 'Secret', 'secrets'),
  configMap: k('v1', 'ConfigMap', 'configmaps'),
  service: k('v1', 'Service', 'services'),
  pod: k('v1', 'Pod', 'pods'),
  deployment: k('apps/v1', 'Deployment', 'deployments'),
  statefulSet: k('apps/v1', 'StatefulSet', 'statefulsets'),
  job: k('batch/v1', 'Job', 'jobs'),
  hpa: k('autoscaling/v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers'),
  pdb: k('policy/v1', 'PodDisruptionBudget', 'poddisruptionbudgets'),
  networkPolicy: k('networking.k8s.io/v1', 'NetworkPolicy', 'networkpolicies'),
  ingress: k('networking.k8s.io/v1', 'Ingress', 'ingresses'),
  serviceMonitor: k('monitoring.coreos.com/v1', 'ServiceMonitor', 'servicemonitors'),
  prometheusRule: k('monitoring.coreos.com/v1', 'PrometheusRule', 'prometheusrules'),
  cnpgCluster: k('postgresql.cnpg.io/v1', 'Cluster', 'clusters'),
  lease: k('coordination.k8s.io/v1', 'Lease', 'leases'),
  event: k('events.k8s.io/v1', 'Event', 'events'),
} as const satisfies Record<string, Kind>;

/** Kinds the operator creates for a stack (pruning looks at these). */
export const OWNED_KINDS: readonly Kind[] = [
  KINDS.secret,
  KINDS.configMap,
  KINDS.service,
  KINDS.deployment,
  KINDS.statefulSet,
  KINDS.job,
  KINDS.hpa,
  KINDS.pdb,
  KINDS.networkPolicy,
  KINDS.ingress,
  KINDS.serviceMonitor,
  KINDS.prometheusRule,
  KINDS.cnpgCluster,
];

/** Owned kinds served by every cluster: the operator keeps informers for these. */
export const CORE_OWNED_KINDS: readonly Kind[] = OWNED_KINDS.filter(
  (x) => !x.apiVersion.startsWith('monitoring.coreos.com') && !x.apiVersion.startsWith('postgresql.cnpg.io'),
);

export function kindOf(obj: { apiVersion: string; kind: string }): Kind {
  const found = Object.values(KINDS).find((x) => x.apiVersion === obj.apiVersion && x.kind === obj.kind);
  if (!found) throw new Error(`unknown kind ${obj.apiVersion} ${obj.kind}`);
  return found;
}

export function collectionPath(kind: Kind, namespace?: string): string {
  const base = kind.apiVersion.includes('/') ? `/apis/${kind.apiVersion}` : `/api/${kind.apiVersion}`;
  return kind.namespaced && namespace
    ? `${base}/namespaces/${namespace}/${kind.plural}`
    : `${base}/${kind.plural}`;
}

export function objectPath(
  kind: Kind,
  namespace: string | undefined,
  name: string,
  subresource?: 'status',
): string {
  return `${collectionPath(kind, namespace)}/${encodeURIComponent(name)}${subresource ? `/${subresource}` : ''}`;
}

export const kindKey = (kind: Kind) => `${kind.apiVersion}/${kind.kind}`;

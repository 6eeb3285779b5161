// The resource types the test API server serves: built-in kinds, plus CRDs once created.
import type { JsonSchema } from '../api/schema.js';

export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  priority?: number;
}

export interface ResourceType {
  group: string;
  version: string;
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  statusSubresource: boolean;
  shortNames?: string[];
  categories?: string[];
  printerColumns?: PrinterColumn[];
  /** Defined by a CRD (not built in). */
  custom?: boolean;
  /** openAPIV3Schema of a CRD version, used for structural defaulting. */
  schema?: JsonSchema;
}

export const groupVersion = (r: { group: string; version: string }) =>
  r.group ? `${r.group}/${r.version}` : r.version;

function builtin(
  gv: string,
  plural: string,
  kind: string,
  namespaced = true,
  statusSubresource = false,
  shortNames?: string[],
): ResourceType {
  const [group, version] = gv.includes('/') ? (gv.split('/') as [string, string]) : ['', gv];
  return {
    group,
    version,
    plural,
    singular: kind.toLowerCase(),
    kind,
    namespaced,
    statusSubresource,
    ...(shortNames ? { shortNames } : {}),
  };
}

export const BUILTIN_RESOURCES: ResourceType[] = [
  builtin('v1', 'namespaces', 'Namespace', false, true, ['ns']),
  builtin('v1', 'configmaps', 'ConfigMap', true, false, ['cm']),
  builtin('v1', 'secrets', 'Secret'),
  builtin('v1', 'services', 'Service', true, true, ['svc']),
  builtin('v1', 'serviceaccounts', 'ServiceAccount', true, false, ['sa']),
  builtin('v1', 'pods', 'Pod', true, true, ['po']),
  builtin('v1', 'persistentvolumeclaims', 'PersistentVolumeClaim', true, true, ['pvc']),
  builtin('v1', 'events', 'Event', true, false, ['ev']),
  builtin('apps/v1', 'deployments', 'Deployment', true, true, ['deploy']),
  builtin('apps/v1', 'statefulsets', 'StatefulSet', true, true, ['sts']),
  builtin('batch/v1', 'jobs', 'Job', true, true),
  builtin('autoscaling/v2', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler', true, true, ['hpa']),
  builtin('policy/v1', 'poddisruptionbudgets', 'PodDisruptionBudget', true, true, ['pdb']),
  builtin('networking.k8s.io/v1', 'ingresses', 'Ingress', true, true, ['ing']),
  builtin('networking.k8s.io/v1', 'networkpolicies', 'NetworkPolicy', true, false, ['netpol']),
  builtin('coordination.k8s.io/v1', 'leases', 'Lease'),
  builtin('events.k8s.io/v1', 'events', 'Event', true, false, ['ev']),
  builtin('apiextensions.k8s.io/v1', 'customresourcedefinitions', 'CustomResourceDefinition', false, true, [
    'crd',
    'crds',
  ]),
];

interface CrdLike {
  spec: {
    group: string;
    scope: string;
    names: { plural: string; singular?: string; kind: string; shortNames?: string[]; categories?: string[] };
    versions: {
      name: string;
      served: boolean;
      subresources?: { status?: unknown };
      additionalPrinterColumns?: PrinterColumn[];
      schema?: { openAPIV3Schema?: JsonSchema };
    }[];
  };
}

export function resourcesOfCrd(crd: CrdLike): ResourceType[] {
  const { group, scope, names } = crd.spec;
  return crd.spec.versions
    .filter((v) => v.served)
    .map((v) => ({
      group,
      version: v.name,
      plural: names.plural,
      singular: names.singular ?? names.kind.toLowerCase(),
      kind: names.kind,
      namespaced: scope === 'Namespaced',
      statusSubresource: v.subresources?.status !== undefined,
      custom: true,
      ...(names.shortNames ? { shortNames: names.shortNames } : {}),
      ...(names.categories ? { categories: names.categories } : {}),
      ...(v.additionalPrinterColumns ? { printerColumns: v.additionalPrinterColumns } : {}),
      ...(v.schema?.openAPIV3Schema ? { schema: v.schema.openAPIV3Schema } : {}),
    }));
}

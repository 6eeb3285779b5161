// Rejects fields the Kubernetes schema does not know (kubernetes-models' validate() accepts them).
// Built-in kinds: client-node's generated attributeTypeMap (wire names in `baseName`).
// monitoring.coreos.com kinds: an explicit list of the ServiceMonitor / PrometheusRule fields of
// the prometheus-operator CRDs that the operator may emit (a subset of the real schema).
import * as k8s from '@kubernetes/client-node';

interface Attribute {
  baseName: string;
  type: string;
}
type ModelClass = { getAttributeTypeMap(): Attribute[] };

const BUILTIN_MODELS: Record<string, string> = {
  'v1/Secret': 'V1Secret',
  'v1/ConfigMap': 'V1ConfigMap',
  'v1/Service': 'V1Service',
  'apps/v1/Deployment': 'V1Deployment',
  'apps/v1/StatefulSet': 'V1StatefulSet',
  'batch/v1/Job': 'V1Job',
  'autoscaling/v2/HorizontalPodAutoscaler': 'V2HorizontalPodAutoscaler',
  'policy/v1/PodDisruptionBudget': 'V1PodDisruptionBudget',
  'networking.k8s.io/v1/NetworkPolicy': 'V1NetworkPolicy',
  'networking.k8s.io/v1/Ingress': 'V1Ingress',
  'apiextensions.k8s.io/v1/CustomResourceDefinition': 'V1CustomResourceDefinition',
  // The Helm chart's objects (operator/test/chart).
  'v1/ServiceAccount': 'V1ServiceAccount',
  'rbac.authorization.k8s.io/v1/ClusterRole': 'V1ClusterRole',
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': 'V1ClusterRoleBinding',
  'rbac.authorization.k8s.io/v1/Role': 'V1Role',
  'rbac.authorization.k8s.io/v1/RoleBinding': 'V1RoleBinding',
};

/** A tiny schema language for the prometheus-operator subset: field → nested shape. */
type Shape = 'scalar' | 'map' | 'LabelSelector' | { [field: string]: Shape } | [Shape];
const PROMETHEUS_OPERATOR: Record<string, Shape> = {
  'monitoring.coreos.com/v1/ServiceMonitor': {
    selector: 'LabelSelector',
    namespaceSelector: { any: 'scalar', matchNames: ['scalar'] },
    endpoints: [
      {
        port: 'scalar',
        path: 'scalar',
        interval: 'scalar',
        scrapeTimeout: 'scalar',
        scheme: 'scalar',
        honorLabels: 'scalar',
      },
    ],
    jobLabel: 'scalar',
  },
  'monitoring.coreos.com/v1/PrometheusRule': {
    groups: [
      {
        name: 'scalar',
        interval: 'scalar',
        rules: [
          {
            alert: 'scalar',
            record: 'scalar',
            expr: 'scalar',
            for: 'scalar',
            labels: 'map',
            annotations: 'map',
          },
        ],
      },
    ],
  },
};

function modelClass(name: string): ModelClass | undefined {
  const cls = (k8s as unknown as Record<string, unknown>)[name];
  return cls && typeof (cls as ModelClass).getAttributeTypeMap === 'function'
    ? (cls as ModelClass)
    : undefined;
}

function walkModel(value: unknown, type: string, path: string, errors: string[]): void {
  if (value === null || value === undefined) return;
  const arrayMatch = /^Array<(.+)>$/.exec(type);
  if (arrayMatch) {
    if (Array.isArray(value)) {
      for (const [i, v] of value.entries()) walkModel(v, arrayMatch[1] as string, `${path}[${i}]`, errors);
    }
    return;
  }
  const mapMatch = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (mapMatch) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>))
      walkModel(v, mapMatch[1] as string, `${path}.${k}`, errors);
    return;
  }
  const cls = modelClass(type);
  if (!cls || typeof value !== 'object') return;
  const attributes = new Map(cls.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  for (const [field, v] of Object.entries(value as Record<string, unknown>)) {
    const t = attributes.get(field);
    if (t === undefined) errors.push(`${path}.${field}: unknown field (${type})`);
    else walkModel(v, t, `${path}.${field}`, errors);
  }
}

function walkShape(value: unknown, shape: Shape, path: string, errors: string[]): void {
  if (value === null || value === undefined || shape === 'scalar' || shape === 'map') return;
  if (shape === 'LabelSelector') {
    walkModel(value, 'V1LabelSelector', path, errors);
    return;
  }
  if (Array.isArray(shape)) {
    if (Array.isArray(value)) {
      for (const [i, v] of value.entries()) walkShape(v, shape[0], `${path}[${i}]`, errors);
    }
    return;
  }
  for (const [field, v] of Object.entries(value as Record<string, unknown>)) {
    const s = shape[field];
    if (s === undefined) errors.push(`${path}.${field}: unknown field`);
    else walkShape(v, s, `${path}.${field}`, errors);
  }
}

/** Unknown fields of a manifest, as `path: reason` lines; throws for kinds it has no schema of. */
export function unknownFields(obj: { apiVersion: string; kind: string; [k: string]: unknown }): string[] {
  const key = `${obj.apiVersion}/${obj.kind}`;
  const errors: string[] = [];
  const model = BUILTIN_MODELS[key];
  if (model) {
    walkModel(obj, model, key, errors);
    return errors;
  }
  const shape = PROMETHEUS_OPERATOR[key];
  if (!shape) throw new Error(`no schema for ${key}`);
  const { apiVersion: _a, kind: _k, metadata, spec, ...rest } = obj;
  walkModel(metadata, 'V1ObjectMeta', `${key}.metadata`, errors);
  walkShape(spec, shape, `${key}.spec`, errors);
  for (const field of Object.keys(rest)) errors.push(`${key}.${field}: unknown field`);
  return errors;
}

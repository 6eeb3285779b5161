// The operator's ClusterRole and the namespaced Role for its Lease, derived from the kinds it
// uses (so RBAC cannot drift from the code). Printed by `elwosa-operator rbac`.
import { GROUP, PLURAL } from '../api/elwosastack.js';
import { KINDS, type Kind, OWNED_KINDS } from './kinds.js';

interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

const groupOf = (kind: Kind) =>
  kind.apiVersion.includes('/') ? (kind.apiVersion.split('/')[0] as string) : '';

/** Rules grouped by API group, resources sorted, so the output is stable. */
function rules(entries: { kind: Kind; resources?: string[]; verbs: string[] }[]): PolicyRule[] {
  const byKey = new Map<string, PolicyRule>();
  for (const e of entries) {
    const group = groupOf(e.kind);
    const key = `${group}|${e.verbs.join(',')}`;
    const rule = byKey.get(key) ?? { apiGroups: [group], resources: [], verbs: e.verbs };
    rule.resources = [...new Set([...rule.resources, ...(e.resources ?? [e.kind.plural])])].sort();
    byKey.set(key, rule);
  }
  return [...byKey.values()];
}

export function operatorRbac(namespace: string, serviceAccount = 'elwosa-operator') {
  const manage = ['get', 'list', 'watch', 'create', 'patch', 'update', 'delete'];
  const labels = { 'app.kubernetes.io/name': 'elwosa-operator', 'app.kubernetes.io/part-of': 'elwosa' };
  const clusterRole = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'elwosa-operator', labels },
    rules: [
      ...rules(OWNED_KINDS.map((kind) => ({ kind, verbs: manage }))),
      ...rules([{ kind: KINDS.pod, verbs: ['get', 'list', 'watch'] }]),
      ...rules([{ kind: KINDS.event, verbs: ['create', 'patch'] }]),
      { apiGroups: [GROUP], resources: [PLURAL], verbs: ['get', 'list', 'watch', 'patch', 'update'] },
      { apiGroups: [GROUP], resources: [`${PLURAL}/status`], verbs: ['get', 'patch', 'update'] },
      { apiGroups: [GROUP], resources: [`${PLURAL}/finalizers`], verbs: ['update'] },
    ],
  };
  const binding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'elwosa-operator', labels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'elwosa-operator' },
    subjects: [{ kind: 'ServiceAccount', name: serviceAccount, namespace }],
  };
  const leaseRole = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'elwosa-operator-leader-election', namespace, labels },
    rules: rules([{ kind: KINDS.lease, verbs: ['get', 'create', 'update'] }]),
  };
  const leaseBinding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'elwosa-operator-leader-election', namespace, labels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'elwosa-operator-leader-election' },
    subjects: [{ kind: 'ServiceAccount', name: serviceAccount, namespace }],
  };
  return [clusterRole, binding, leaseRole, leaseBinding];
}

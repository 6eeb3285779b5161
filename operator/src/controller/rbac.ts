// The operator's RBAC (ClusterRole, or Roles per watched namespace, and the namespaced Role for
// its Lease), derived from the kinds it uses (so RBAC cannot drift from the code). Printed by
// `elwosa-operator rbac`.
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

const MANAGE = ['get', 'list', 'watch', 'create', 'patch', 'update', 'delete'];

/**
 * What the operator does in a namespace it watches: the kinds it manages, Ollama pods, Events,
 * ElwosaStacks and their status and finalizers. Watching all namespaces, the ClusterRole holds
 * these; with a watch list, a Role per watched namespace does.
 */
export function namespacedRules(): PolicyRule[] {
  return [
    ...rules(OWNED_KINDS.map((kind) => ({ kind, verbs: MANAGE }))),
    ...rules([{ kind: KINDS.pod, verbs: ['get', 'list', 'watch'] }]),
    ...rules([{ kind: KINDS.event, verbs: ['create', 'patch'] }]),
    { apiGroups: [GROUP], resources: [PLURAL], verbs: ['get', 'list', 'watch', 'patch', 'update'] },
    { apiGroups: [GROUP], resources: [`${PLURAL}/status`], verbs: ['get', 'patch', 'update'] },
    { apiGroups: [GROUP], resources: [`${PLURAL}/finalizers`], verbs: ['update'] },
  ];
}

/**
 * What the operator needs beyond its namespaces: nothing. Every kind it reads or writes is
 * namespaced (kinds.ts), and CRD discovery (`/apis/<group>/<version>`) is a non-resource GET that
 * Kubernetes' system:discovery ClusterRole grants every authenticated user. So with a watch list
 * no ClusterRole is needed at all.
 */
export function clusterScopedRules(): PolicyRule[] {
  return Object.values(KINDS)
    .filter((kind) => !kind.namespaced)
    .flatMap((kind) => rules([{ kind, verbs: ['get', 'list', 'watch'] }]));
}

/**
 * The operator's RBAC. Watching all namespaces (an empty list): a ClusterRole and
 * ClusterRoleBinding with every rule. With a watch list: a Role and RoleBinding per watched
 * namespace with the namespaced rules, and a ClusterRole only for the cluster-scoped rest (none
 * today). Either way a Role for the leader-election Lease in the operator's namespace.
 */
export function operatorRbac(
  namespace: string,
  serviceAccount = 'elwosa-operator',
  watchNamespaces: readonly string[] = [],
) {
  const labels = { 'app.kubernetes.io/name': 'elwosa-operator', 'app.kubernetes.io/part-of': 'elwosa' };
  const subjects = [{ kind: 'ServiceAccount', name: serviceAccount, namespace }];
  const clusterRules =
    watchNamespaces.length === 0 ? [...namespacedRules(), ...clusterScopedRules()] : clusterScopedRules();
  const cluster =
    clusterRules.length === 0
      ? []
      : [
          {
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind: 'ClusterRole',
            metadata: { name: 'elwosa-operator', labels },
            rules: clusterRules,
          },
          {
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind: 'ClusterRoleBinding',
            metadata: { name: 'elwosa-operator', labels },
            roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'elwosa-operator' },
            subjects,
          },
        ];
  const role = (name: string, ns: string, roleRules: PolicyRule[]) => [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name, namespace: ns, labels },
      rules: roleRules,
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name, namespace: ns, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects,
    },
  ];
  const watched = [...new Set(watchNamespaces)].flatMap((ns) =>
    role('elwosa-operator', ns, namespacedRules()),
  );
  const lease = role(
    'elwosa-operator-leader-election',
    namespace,
    rules([{ kind: KINDS.lease, verbs: ['get', 'create', 'update'] }]),
  );
  return [...cluster, ...watched, ...lease];
}

import {
  ClusterRole,
  ClusterRoleBinding,
  Role,
  RoleBinding,
} from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { describe, expect, it } from 'vitest';
import { KINDS, OWNED_KINDS } from '../../src/controller/kinds.js';
import { clusterScopedRules, namespacedRules, operatorRbac } from '../../src/controller/rbac.js';

type Rule = { apiGroups: string[]; resources: string[]; verbs: string[] };
const allows = (rules: Rule[], apiVersion: string, resource: string, verb: string) => {
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  return rules.some(
    (r) => r.apiGroups.includes(group as string) && r.resources.includes(resource) && r.verbs.includes(verb),
  );
};

describe('operator RBAC', () => {
  const [clusterRole, binding, role, roleBinding] = operatorRbac('ops') as unknown as [
    { rules: Rule[] },
    object,
    { rules: Rule[]; metadata: { namespace: string } },
    object,
  ];

  it('validates as RBAC objects', () => {
    expect(() => new ClusterRole(clusterRole as never).validate()).not.toThrow();
    expect(() => new ClusterRoleBinding(binding as never).validate()).not.toThrow();
    expect(() => new Role(role as never).validate()).not.toThrow();
    expect(() => new RoleBinding(roleBinding as never).validate()).not.toThrow();
  });

  it('grants what the controller does with every kind, and Leases only in its namespace', () => {
    for (const kind of OWNED_KINDS) {
      for (const verb of ['get', 'list', 'watch', 'create', 'patch', 'delete'])
        expect(allows(clusterRole.rules, kind.apiVersion, kind.plural, verb), `${verb} ${kind.plural}`).toBe(
          true,
        );
    }
    expect(allows(clusterRole.rules, 'v1', 'pods', 'watch')).toBe(true);
    expect(allows(clusterRole.rules, 'v1', 'pods', 'delete')).toBe(false);
    expect(allows(clusterRole.rules, KINDS.event.apiVersion, 'events', 'create')).toBe(true);
    expect(allows(clusterRole.rules, 'elwosa.io/v1alpha1', 'elwosastacks/status', 'patch')).toBe(true);
    expect(allows(clusterRole.rules, 'elwosa.io/v1alpha1', 'elwosastacks', 'delete')).toBe(false);
    expect(allows(clusterRole.rules, 'coordination.k8s.io/v1', 'leases', 'update')).toBe(false);
    expect(role.metadata.namespace).toBe('ops');
    for (const verb of ['get', 'create', 'update'])
      expect(allows(role.rules, 'coordination.k8s.io/v1', 'leases', verb)).toBe(true);
  });
});

describe('operator RBAC with a namespace watch list', () => {
  type Obj = { kind: string; metadata: { name: string; namespace?: string }; rules?: Rule[] };
  const objects = operatorRbac('ops', 'elwosa-operator', ['team-a', 'monitoring', 'team-a']) as Obj[];

  it('renders a Role and RoleBinding per watched namespace, no ClusterRole, and the Lease Role', () => {
    expect(objects.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`)).toEqual([
      'Role team-a/elwosa-operator',
      'RoleBinding team-a/elwosa-operator',
      'Role monitoring/elwosa-operator',
      'RoleBinding monitoring/elwosa-operator',
      'Role ops/elwosa-operator-leader-election',
      'RoleBinding ops/elwosa-operator-leader-election',
    ]);
    for (const o of objects)
      expect(() => new (o.kind === 'Role' ? Role : RoleBinding)(o as never).validate()).not.toThrow();
  });

  it('gives each watched namespace the rules the ClusterRole has when watching all', () => {
    const [all] = operatorRbac('ops') as Obj[];
    expect(clusterScopedRules()).toEqual([]);
    expect(all?.rules).toEqual(namespacedRules());
    for (const o of objects.filter((x) => x.kind === 'Role' && x.metadata.name === 'elwosa-operator'))
      expect(o.rules).toEqual(namespacedRules());
  });
});

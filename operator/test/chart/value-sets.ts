// The value sets the chart tests render: defaults and the options that change what is rendered.
import { parse } from 'yaml';
import { readRepoFile } from '../support/fixtures.js';
import { NAMESPACE, STACK_API } from './helm.js';

const kindStack = parse(readRepoFile('examples', 'kind.yaml')) as { spec: object };

export interface ValueSet {
  name: string;
  values: object;
  /** Extra helm arguments (e.g. the API versions the cluster serves). */
  args?: string[];
  /** Kinds rendered besides the defaults' (or instead, when `kinds` is given). */
  kinds: string[];
  /** Namespaces besides the release namespace that namespaced objects may be rendered in. */
  namespaces?: string[];
}

const DEFAULT_KINDS = [
  'ServiceAccount',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleBinding',
  'Role',
  'RoleBinding',
  'Service',
  'Deployment',
];

export const VALUE_SETS: ValueSet[] = [
  { name: 'defaults', values: {}, kinds: DEFAULT_KINDS },
  {
    name: 'monitoring on (ServiceMonitor, PrometheusRule), two replicas with a PDB',
    values: {
      replicaCount: 2,
      podDisruptionBudget: { enabled: true },
      metrics: {
        serviceMonitor: { enabled: true, labels: { release: 'monitoring' }, scrapeTimeout: '10s' },
        prometheusRule: { enabled: true, labels: { release: 'monitoring' } },
      },
    },
    kinds: [...DEFAULT_KINDS, 'ServiceMonitor', 'PodDisruptionBudget', 'PrometheusRule'],
  },
  {
    name: 'stack on (the kind example)',
    values: { stack: { enabled: true, name: 'dev', namespace: 'default', spec: kindStack.spec } },
    args: ['--api-versions', STACK_API],
    kinds: [...DEFAULT_KINDS, 'ElwosaStack'],
  },
  {
    name: 'CRDs, ServiceAccount and metrics Service off',
    values: {
      crds: { install: false },
      serviceAccount: { create: false, name: 'existing-operator' },
      metrics: { service: { enabled: false } },
    },
    kinds: ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'Deployment'],
  },
  {
    name: 'watchNamespaces (a Role and RoleBinding per namespace, no ClusterRole)',
    values: { watchNamespaces: ['team-a', 'monitoring', NAMESPACE] },
    kinds: [
      'ServiceAccount',
      'CustomResourceDefinition',
      ...['Role', 'RoleBinding'].flatMap((k) => [k, k, k, k]),
      'Service',
      'Deployment',
    ],
    namespaces: ['team-a', 'monitoring'],
  },
  {
    name: 'RBAC off, pinned image, scheduling and extras',
    values: {
      fullnameOverride: 'ops-operator',
      rbac: { create: false },
      crds: { keep: false },
      image: { repository: 'registry.example.com/elwosa-operator', digest: `sha256:${'a'.repeat(64)}` },
      imagePullSecrets: ['regcred'],
      operator: { extraArgs: ['--dashboards-dir=/dash'], extraEnv: [{ name: 'LOG_FORMAT', value: 'json' }] },
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'ops', effect: 'NoSchedule' }],
      priorityClassName: 'system-cluster-critical',
      resources: { requests: { cpu: '50m', memory: '300Mi' }, limits: { memory: '1Gi' } },
    },
    kinds: ['ServiceAccount', 'CustomResourceDefinition', 'Service', 'Deployment'],
  },
];

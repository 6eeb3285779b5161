// NetworkPolicies: only the gateway is reachable from outside the stack; PostgreSQL and Redis
// only from the stack's platform pods; Ollama only from ai-bridge. Prometheus pods
// (app.kubernetes.io/name=prometheus, any namespace) may scrape the platform ports.
import type { V1LabelSelector, V1NetworkPolicyPeer, V1NetworkPolicyPort } from '@kubernetes/client-node';
import { TARGET_PORTS, type Target } from '../api/targets.js';
import type { DesiredObject, KubeObject, StackContext } from './context.js';
import { POSTGRES_PORT } from './database.js';
import { enabledTargets } from './env.js';
import { LABEL, objectMeta, selectorLabels } from './meta.js';
import { MIGRATIONS_COMPONENT } from './migrations.js';
import { names } from './names.js';
import { OLLAMA_PORT } from './ollama.js';
import { REDIS_PORT } from './redis.js';

const PROMETHEUS: V1NetworkPolicyPeer = {
  namespaceSelector: {},
  podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
};

// client-node's model names the `from` field `_from` (serialised by its ObjectSerializer); the
// operator sends plain JSON, so the spec is typed here with the wire names.
interface IngressRule {
  from?: V1NetworkPolicyPeer[];
  ports: V1NetworkPolicyPort[];
}
interface NetworkPolicySpec {
  podSelector: V1LabelSelector;
  policyTypes: ['Ingress'];
  ingress: IngressRule[];
}

function policy(ctx: StackContext, component: string, spec: NetworkPolicySpec): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: objectMeta(ctx, names.networkPolicy(ctx.name, component), component),
    spec,
  };
}

/** Pods of the given components of this stack. */
function stackPods(ctx: StackContext, components: readonly string[]): V1NetworkPolicyPeer {
  return {
    podSelector: {
      matchLabels: { [LABEL.name]: 'elwosa', [LABEL.stack]: ctx.name },
      matchExpressions: [{ key: LABEL.component, operator: 'In', values: [...components] }],
    },
  };
}

export function networkPolicyObjects(ctx: StackContext): DesiredObject[] {
  const targets = enabledTargets(ctx);
  const out: KubeObject[] = [];
  const platformClients = [...targets, MIGRATIONS_COMPONENT];
  for (const target of targets) {
    const port = [{ protocol: 'TCP', port: TARGET_PORTS[target] }];
    const from: V1NetworkPolicyPeer[] | undefined =
      target === 'gateway' ? undefined : [stackPods(ctx, targets), PROMETHEUS];
    out.push(
      policy(ctx, target, {
        podSelector: { matchLabels: selectorLabels(ctx, target as Target) },
        policyTypes: ['Ingress'],
        ingress: [{ ports: port, ...(from ? { from } : {}) }],
      }),
    );
  }
  if (ctx.spec.database.mode === 'managed') {
    out.push(
      policy(ctx, 'postgres', {
        podSelector: { matchLabels: selectorLabels(ctx, 'postgres') },
        policyTypes: ['Ingress'],
        ingress: [
          { from: [stackPods(ctx, platformClients)], ports: [{ protocol: 'TCP', port: POSTGRES_PORT }] },
        ],
      }),
    );
  }
  if (ctx.spec.redis.mode === 'managed') {
    out.push(
      policy(ctx, 'redis', {
        podSelector: { matchLabels: selectorLabels(ctx, 'redis') },
        policyTypes: ['Ingress'],
        ingress: [{ from: [stackPods(ctx, targets)], ports: [{ protocol: 'TCP', port: REDIS_PORT }] }],
      }),
    );
  }
  if (ctx.spec.ai.ollama.enabled) {
    out.push(
      policy(ctx, 'ollama', {
        podSelector: { matchLabels: selectorLabels(ctx, 'ollama') },
        policyTypes: ['Ingress'],
        ingress: [{ from: [stackPods(ctx, ['ai-bridge'])], ports: [{ protocol: 'TCP', port: OLLAMA_PORT }] }],
      }),
    );
  }
  return out.map((object) => ({ object, stage: 'foundation' }));
}

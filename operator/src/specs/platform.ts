// Per enabled target: Deployment, Service, HPA (autoscaling on), PDB (more than one replica),
// ServiceMonitor (monitoring on).
import type {
  V1Deployment,
  V1PodDisruptionBudget,
  V1Service,
  V2HorizontalPodAutoscaler,
  V2HorizontalPodAutoscalerBehavior,
} from '@kubernetes/client-node';
import type { ServiceSpec } from '../api/elwosastack.js';
import { TARGET_PORTS, type Target } from '../api/targets.js';
import type { DesiredObject, KubeObject, StackContext } from './context.js';
import { enabledTargets, JWT_KEY, JWT_MOUNT_DIR, targetEnv } from './env.js';
import { hashOf } from './hash.js';
import { ANNOTATION, objectMeta, podLabels, selectorLabels } from './meta.js';
import { serviceMonitorsEnabled } from './monitoring.js';
import { names } from './names.js';
import { platformContainer, platformPodSpec } from './pod.js';
import { resourceRequirements } from './resources.js';

/** WebSocket connections live on the gateway: scale it down slowly. */
const GATEWAY_BEHAVIOR: V2HorizontalPodAutoscalerBehavior = {
  scaleDown: { stabilizationWindowSeconds: 600, policies: [{ type: 'Pods', value: 1, periodSeconds: 120 }] },
};

/** The least number of replicas the target runs with. */
export function minimumReplicas(spec: ServiceSpec): number {
  return spec.autoscaling.enabled ? spec.autoscaling.minReplicas : spec.replicas;
}

export function platformObjects(ctx: StackContext): DesiredObject[] {
  return enabledTargets(ctx).flatMap((target) => targetObjects(ctx, target));
}

function targetObjects(ctx: StackContext, target: Target): DesiredObject[] {
  const spec = ctx.spec.services[target];
  const out: DesiredObject[] = [
    { object: deployment(ctx, target, spec), stage: 'services' },
    { object: service(ctx, target), stage: 'services' },
  ];
  if (spec.autoscaling.enabled) out.push({ object: autoscaler(ctx, target, spec), stage: 'services' });
  if (minimumReplicas(spec) > 1) out.push({ object: disruptionBudget(ctx, target), stage: 'services' });
  if (serviceMonitorsEnabled(ctx)) out.push({ object: serviceMonitor(ctx, target), stage: 'services' });
  return out;
}

function deployment(ctx: StackContext, target: Target, spec: ServiceSpec): KubeObject {
  const name = names.target(ctx.name, target);
  const isAuth = target === 'auth';
  const container = platformContainer(ctx, target, {
    args: ['start', '--target', target],
    ports: [{ name: 'http', containerPort: TARGET_PORTS[target] }],
    env: targetEnv(ctx, target),
    resources: resourceRequirements(spec.resources),
    startupProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 2, failureThreshold: 60 },
    livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10, failureThreshold: 3 },
    readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 5, failureThreshold: 3 },
    ...(isAuth ? { volumeMounts: [{ name: 'jwt', mountPath: JWT_MOUNT_DIR, readOnly: true }] } : {}),
  });
  const podSpec = platformPodSpec(ctx, container, {
    volumes: isAuth
      ? [
          {
            name: 'jwt',
            secret: {
              secretName: names.jwt(ctx.name),
              items: [{ key: JWT_KEY, path: JWT_KEY }],
              defaultMode: 0o400,
            },
          },
        ]
      : [],
    nodeSelector: spec.nodeSelector,
    tolerations: spec.tolerations,
  });
  // The hash covers the pod spec and the data of every referenced Secret: a change rolls the pods.
  const configHash = hashOf({ podSpec, secrets: ctx.inputs.secretsHash });
  const object: V1Deployment & KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: objectMeta(ctx, name, target),
    spec: {
      // With an HPA, replicas belong to it: leave the field out of our apply intent.
      ...(spec.autoscaling.enabled ? {} : { replicas: spec.replicas }),
      revisionHistoryLimit: 5,
      selector: { matchLabels: selectorLabels(ctx, target) },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: {
          labels: podLabels(ctx, target, true),
          annotations: { [ANNOTATION.configHash]: configHash },
        },
        spec: podSpec,
      },
    },
  };
  return object;
}

function service(ctx: StackContext, target: Target): KubeObject {
  const object: V1Service & KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: objectMeta(ctx, names.target(ctx.name, target), target),
    spec: {
      selector: selectorLabels(ctx, target),
      ports: [{ name: 'http', port: TARGET_PORTS[target], targetPort: 'http' }],
    },
  };
  return object;
}

function autoscaler(ctx: StackContext, target: Target, spec: ServiceSpec): KubeObject {
  const { autoscaling } = spec;
  const behavior =
    (autoscaling.behavior as V2HorizontalPodAutoscalerBehavior | undefined) ??
    (target === 'gateway' ? GATEWAY_BEHAVIOR : undefined);
  const object: V2HorizontalPodAutoscaler & KubeObject = {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: objectMeta(ctx, names.target(ctx.name, target), target),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: names.target(ctx.name, target) },
      minReplicas: autoscaling.minReplicas,
      maxReplicas: autoscaling.maxReplicas,
      metrics: [
        {
          type: 'Resource',
          resource: {
            name: 'cpu',
            target: { type: 'Utilization', averageUtilization: autoscaling.targetCPUUtilization },
          },
        },
      ],
      ...(behavior ? { behavior } : {}),
    },
  };
  return object;
}

function disruptionBudget(ctx: StackContext, target: Target): KubeObject {
  const object: V1PodDisruptionBudget & KubeObject = {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: objectMeta(ctx, names.target(ctx.name, target), target),
    spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(ctx, target) } },
  };
  return object;
}

function serviceMonitor(ctx: StackContext, target: Target): KubeObject {
  const sm = ctx.spec.monitoring.serviceMonitor;
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: objectMeta(ctx, names.target(ctx.name, target), target, { labels: sm.labels }),
    spec: {
      selector: { matchLabels: selectorLabels(ctx, target) },
      endpoints: [{ port: 'http', path: '/metrics', interval: sm.interval }],
    },
  };
}

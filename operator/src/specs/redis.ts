// Redis: managed (a Deployment, or a StatefulSet with a PVC when persistence is on) or external.
import type {
  V1Container,
  V1Deployment,
  V1PodSpec,
  V1Secret,
  V1Service,
  V1StatefulSet,
} from '@kubernetes/client-node';
import type { SecretKeyRef } from '../api/elwosastack.js';
import type { DesiredObject, KubeObject, StackContext } from './context.js';
import { objectMeta, podLabels, selectorLabels } from './meta.js';
import { names } from './names.js';
import { pullSecrets } from './pod.js';
import { resourceRequirements } from './resources.js';
import { containerSecurityContext, podSecurityContext } from './security.js';

export const REDIS_PORT = 6379;
export const REDIS_UID = 999;

export function redisUrlRef(ctx: Pick<StackContext, 'name' | 'spec'>): SecretKeyRef {
  const redis = ctx.spec.redis;
  if (redis.mode === 'external' && redis.secretRef) return redis.secretRef;
  return { name: names.redis(ctx.name), key: 'url' };
}

export function redisObjects(ctx: StackContext): DesiredObject[] {
  if (ctx.spec.redis.mode === 'external') return [];
  const name = names.redis(ctx.name);
  const password = ctx.inputs.secrets.redisPassword;
  const secret: V1Secret & KubeObject = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: objectMeta(ctx, name, 'redis'),
    type: 'Opaque',
    stringData: { password, url: `redis://:${password}@${name}.${ctx.namespace}.svc:${REDIS_PORT}/0` },
  };
  const service: V1Service & KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: objectMeta(ctx, name, 'redis'),
    spec: {
      selector: selectorLabels(ctx, 'redis'),
      ports: [{ name: 'redis', port: REDIS_PORT, targetPort: 'redis' }],
    },
  };
  return [
    { object: secret, stage: 'foundation', createOnly: true },
    { object: service, stage: 'foundation' },
    { object: redisWorkload(ctx), stage: 'foundation' },
  ];
}

function redisContainer(ctx: StackContext, persistent: boolean): V1Container {
  const redis = ctx.spec.redis;
  return {
    name: 'redis',
    image: redis.image,
    command: ['redis-server'],
    args: ['--requirepass', '$(REDIS_PASSWORD)', '--appendonly', persistent ? 'yes' : 'no', '--dir', '/data'],
    env: [
      {
        name: 'REDIS_PASSWORD',
        valueFrom: { secretKeyRef: { name: names.redis(ctx.name), key: 'password' } },
      },
    ],
    ports: [{ name: 'redis', containerPort: REDIS_PORT }],
    readinessProbe: {
      exec: { command: ['sh', '-c', 'redis-cli --no-auth-warning -a "$REDIS_PASSWORD" ping | grep -q PONG'] },
      periodSeconds: 5,
    },
    livenessProbe: { tcpSocket: { port: 'redis' }, periodSeconds: 20, failureThreshold: 6 },
    resources: resourceRequirements(redis.resources),
    securityContext: containerSecurityContext(),
    volumeMounts: [
      { name: 'data', mountPath: '/data' },
      { name: 'tmp', mountPath: '/tmp' },
    ],
  };
}

function redisWorkload(ctx: StackContext): KubeObject {
  const name = names.redis(ctx.name);
  const persistence = ctx.spec.redis.persistence;
  const podSpec = (persistent: boolean): V1PodSpec => ({
    automountServiceAccountToken: false,
    ...pullSecrets(ctx),
    securityContext: podSecurityContext(REDIS_UID),
    containers: [redisContainer(ctx, persistent)],
    volumes: [{ name: 'tmp', emptyDir: {} }, ...(persistent ? [] : [{ name: 'data', emptyDir: {} }])],
  });
  const template = (persistent: boolean) => ({
    metadata: { labels: podLabels(ctx, 'redis', false) },
    spec: podSpec(persistent),
  });
  if (!persistence.enabled) {
    const deployment: V1Deployment & KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: objectMeta(ctx, name, 'redis'),
      spec: {
        replicas: 1,
        strategy: { type: 'Recreate' },
        selector: { matchLabels: selectorLabels(ctx, 'redis') },
        template: template(false),
      },
    };
    return deployment;
  }
  const statefulSet: V1StatefulSet & KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: objectMeta(ctx, name, 'redis'),
    spec: {
      replicas: 1,
      serviceName: name,
      selector: { matchLabels: selectorLabels(ctx, 'redis') },
      template: template(true),
      volumeClaimTemplates: [
        {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name: 'data' },
          spec: {
            accessModes: ['ReadWriteOnce'],
            ...(persistence.className ? { storageClassName: persistence.className } : {}),
            resources: { requests: { storage: String(persistence.size) } },
          },
        },
      ],
    },
  };
  return statefulSet;
}

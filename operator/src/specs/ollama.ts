// Ollama: a StatefulSet with a per-pod model cache PVC, GPU scheduling, and a model-puller
// sidecar that pulls every listed model idempotently; the pod is Ready only once all are present.
import type { V1Affinity, V1EnvVar, V1Service, V1StatefulSet, V1Toleration } from '@kubernetes/client-node';
import type { OllamaSpec } from '../api/elwosastack.js';
import type { DesiredObject, KubeObject, StackContext } from './context.js';
import { objectMeta, podLabels, selectorLabels } from './meta.js';
import { names } from './names.js';
import { pullSecrets } from './pod.js';
import { resourceRequirements } from './resources.js';
import { containerSecurityContext, PLATFORM_UID, podSecurityContext } from './security.js';

export const OLLAMA_PORT = 11434;
export const GPU_PRODUCT_LABEL = 'nvidia.com/gpu.product';
export const DEFAULT_GPU_TOLERATION: V1Toleration = {
  key: 'nvidia.com/gpu',
  operator: 'Exists',
  effect: 'NoSchedule',
};
const MODELS_DIR = '/models';
const READY_FILE = '/var/run/elwosa/models-ready';

/** Per-replica URLs through the headless Service (stable pod DNS names), for OLLAMA_URLS. */
export function ollamaUrls(ctx: StackContext): string[] {
  const ollama = ctx.spec.ai.ollama;
  if (!ollama.enabled) return [];
  const sts = names.ollama(ctx.name);
  return Array.from({ length: ollama.replicas }, (_, i) => `http://${sts}-${i}.${sts}:${OLLAMA_PORT}`);
}

export function gpuTolerations(ollama: OllamaSpec): V1Toleration[] {
  if (!ollama.gpu.enabled) return [];
  return [DEFAULT_GPU_TOLERATION, ...(ollama.gpu.tolerations ?? [])];
}

export function gpuAffinity(ollama: OllamaSpec): V1Affinity | undefined {
  const products = ollama.gpu.productIn ?? [];
  if (!ollama.gpu.enabled || products.length === 0) return undefined;
  return {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [
          { matchExpressions: [{ key: GPU_PRODUCT_LABEL, operator: 'In', values: [...products] }] },
        ],
      },
    },
  };
}

/** The puller: waits for the server, pulls what is missing (`ollama show` first), optionally preloads. */
export function modelPullScript(preload: boolean): string {
  return [
    'set -eu',
    'until ollama list >/dev/null 2>&1; do sleep 2; done',
    'for m in $ELWOSA_MODELS; do',
    '  ollama show "$m" >/dev/null 2>&1 || ollama pull "$m"',
    ...(preload ? ['  ollama run "$m" "" --keepalive=-1 >/dev/null'] : []),
    'done',
    `touch ${READY_FILE}`,
    'exec sleep infinity',
  ].join('\n');
}

export function ollamaObjects(ctx: StackContext): DesiredObject[] {
  const ollama = ctx.spec.ai.ollama;
  if (!ollama.enabled) return [];
  const name = names.ollama(ctx.name);
  const gpu = ollama.gpu;
  const service: V1Service & KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: objectMeta(ctx, name, 'ollama'),
    spec: {
      clusterIP: 'None',
      // ai-bridge addresses each replica by its DNS name and health-checks it itself.
      publishNotReadyAddresses: true,
      selector: selectorLabels(ctx, 'ollama'),
      ports: [{ name: 'http', port: OLLAMA_PORT, targetPort: 'http' }],
    },
  };
  const env: V1EnvVar[] = [
    { name: 'OLLAMA_HOST', value: `0.0.0.0:${OLLAMA_PORT}` },
    { name: 'OLLAMA_MODELS', value: `${MODELS_DIR}/models` },
    { name: 'OLLAMA_KEEP_ALIVE', value: ollama.keepAlive },
    { name: 'HOME', value: MODELS_DIR },
  ];
  if (ollama.numParallel !== undefined)
    env.push({ name: 'OLLAMA_NUM_PARALLEL', value: String(ollama.numParallel) });
  const extended = gpu.enabled ? { [gpu.resourceName]: String(gpu.count) } : {};
  const tolerations = gpuTolerations(ollama);
  const affinity = gpuAffinity(ollama);
  const statefulSet: V1StatefulSet & KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: objectMeta(ctx, name, 'ollama'),
    spec: {
      replicas: ollama.replicas,
      serviceName: name,
      podManagementPolicy: 'Parallel',
      // A rolling update deletes a pod before its replacement starts, so a GPU or an RWO volume
      // is never needed twice at once.
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      selector: { matchLabels: selectorLabels(ctx, 'ollama') },
      template: {
        metadata: { labels: podLabels(ctx, 'ollama', false) },
        spec: {
          automountServiceAccountToken: false,
          ...pullSecrets(ctx),
          securityContext: podSecurityContext(PLATFORM_UID),
          ...(gpu.enabled && gpu.runtimeClassName ? { runtimeClassName: gpu.runtimeClassName } : {}),
          ...(tolerations.length > 0 ? { tolerations } : {}),
          ...(affinity ? { affinity } : {}),
          containers: [
            {
              name: 'ollama',
              image: ollama.image,
              ports: [{ name: 'http', containerPort: OLLAMA_PORT }],
              env,
              resources: resourceRequirements(ollama.resources, extended),
              startupProbe: {
                httpGet: { path: '/api/tags', port: 'http' },
                periodSeconds: 5,
                failureThreshold: 120,
              },
              readinessProbe: { httpGet: { path: '/api/tags', port: 'http' }, periodSeconds: 10 },
              livenessProbe: {
                httpGet: { path: '/api/tags', port: 'http' },
                periodSeconds: 30,
                failureThreshold: 6,
              },
              securityContext: containerSecurityContext(),
              volumeMounts: [
                { name: 'models', mountPath: MODELS_DIR },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
            {
              name: 'model-puller',
              image: ollama.image,
              command: ['sh', '-c', modelPullScript(ollama.preload)],
              env: [
                { name: 'OLLAMA_HOST', value: `127.0.0.1:${OLLAMA_PORT}` },
                { name: 'ELWOSA_MODELS', value: ollama.models.join(' ') },
                { name: 'HOME', value: '/tmp' },
              ],
              readinessProbe: { exec: { command: ['test', '-f', READY_FILE] }, periodSeconds: 5 },
              resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } },
              securityContext: containerSecurityContext(),
              volumeMounts: [
                { name: 'puller-state', mountPath: '/var/run/elwosa' },
                { name: 'puller-tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes: [
            { name: 'tmp', emptyDir: {} },
            { name: 'puller-state', emptyDir: {} },
            { name: 'puller-tmp', emptyDir: {} },
          ],
        },
      },
      volumeClaimTemplates: [
        {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name: 'models' },
          spec: {
            accessModes: ['ReadWriteOnce'],
            ...(ollama.storage.className ? { storageClassName: ollama.storage.className } : {}),
            resources: { requests: { storage: String(ollama.storage.size) } },
          },
        },
      ],
    },
  };
  return [
    { object: service, stage: 'foundation' },
    { object: statefulSet, stage: 'foundation' },
  ];
}

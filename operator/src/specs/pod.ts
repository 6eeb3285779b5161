// The pod template shared by every platform process (services and the migrations Job).
import type { V1Container, V1PodSpec, V1Toleration, V1Volume } from '@kubernetes/client-node';
import type { StackContext } from './context.js';
import { containerSecurityContext, PLATFORM_UID, podSecurityContext } from './security.js';

export function platformContainer(
  ctx: StackContext,
  name: string,
  fields: Omit<V1Container, 'name' | 'image'>,
): V1Container {
  return {
    name,
    image: ctx.image,
    imagePullPolicy: ctx.spec.image.pullPolicy,
    ...fields,
    securityContext: containerSecurityContext(),
    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }, ...(fields.volumeMounts ?? [])],
  };
}

/** imagePullSecrets for every pod of the stack (a private mirror usually serves all images). */
export function pullSecrets(ctx: StackContext): { imagePullSecrets?: { name: string }[] } {
  const names = ctx.spec.image.pullSecrets ?? [];
  return names.length > 0 ? { imagePullSecrets: names.map((name) => ({ name })) } : {};
}

export function platformPodSpec(
  ctx: StackContext,
  container: V1Container,
  extra: {
    volumes?: V1Volume[];
    nodeSelector?: Record<string, string>;
    tolerations?: V1Toleration[];
    restartPolicy?: string;
  },
): V1PodSpec {
  const spec: V1PodSpec = {
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    securityContext: podSecurityContext(PLATFORM_UID),
    containers: [container],
    volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } }, ...(extra.volumes ?? [])],
  };
  if (extra.restartPolicy) spec.restartPolicy = extra.restartPolicy;
  Object.assign(spec, pullSecrets(ctx));
  if (extra.nodeSelector && Object.keys(extra.nodeSelector).length > 0)
    spec.nodeSelector = extra.nodeSelector;
  if (extra.tolerations && extra.tolerations.length > 0) spec.tolerations = extra.tolerations;
  return spec;
}

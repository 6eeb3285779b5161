// Labels, annotations and ownership common to every object the operator creates.
import type { V1ObjectMeta, V1OwnerReference } from '@kubernetes/client-node';
import { API_VERSION, KIND } from '../api/elwosastack.js';
import type { StackContext } from './context.js';

export const MANAGED_BY = 'elwosa-operator';
export const LABEL = {
  name: 'app.kubernetes.io/name',
  instance: 'app.kubernetes.io/instance',
  component: 'app.kubernetes.io/component',
  partOf: 'app.kubernetes.io/part-of',
  managedBy: 'app.kubernetes.io/managed-by',
  version: 'app.kubernetes.io/version',
  stack: 'elwosa.io/stack',
  stackNamespace: 'elwosa.io/stack-namespace',
} as const;
export const ANNOTATION = {
  configHash: 'elwosa.io/config-hash',
} as const;
export const FINALIZER = 'elwosa.io/cleanup';

/** The immutable selector labels of a component's pods. */
export function selectorLabels(ctx: StackContext, component: string): Record<string, string> {
  return { [LABEL.name]: 'elwosa', [LABEL.stack]: ctx.name, [LABEL.component]: component };
}

export function standardLabels(ctx: StackContext, component: string): Record<string, string> {
  return {
    ...selectorLabels(ctx, component),
    [LABEL.instance]: ctx.name,
    [LABEL.partOf]: 'elwosa',
    [LABEL.managedBy]: MANAGED_BY,
    [LABEL.version]: ctx.version,
    [LABEL.stackNamespace]: ctx.namespace,
  };
}

/**
 * Labels of a pod template. Platform pods carry the platform version; the data stores and
 * Ollama do not, so a platform upgrade never restarts them.
 */
export function podLabels(
  ctx: StackContext,
  component: string,
  withVersion: boolean,
): Record<string, string> {
  const labels = standardLabels(ctx, component);
  if (!withVersion) delete labels[LABEL.version];
  return labels;
}

export function ownerReference(ctx: StackContext): V1OwnerReference | undefined {
  const uid = ctx.stack.metadata.uid;
  if (!uid) return undefined;
  return {
    apiVersion: API_VERSION,
    kind: KIND,
    name: ctx.name,
    uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

export interface MetaOptions {
  /** Default: the stack namespace. Objects elsewhere get no ownerReference (finalizer cleanup). */
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** false: no ownerReference even in the stack namespace (outlives the stack). */
  owned?: boolean;
}

export function objectMeta(
  ctx: StackContext,
  name: string,
  component: string,
  opts: MetaOptions = {},
): V1ObjectMeta & { name: string; namespace: string } {
  const namespace = opts.namespace ?? ctx.namespace;
  const meta: V1ObjectMeta & { name: string; namespace: string } = {
    name,
    namespace,
    labels: { ...standardLabels(ctx, component), ...opts.labels },
  };
  if (opts.annotations && Object.keys(opts.annotations).length > 0) meta.annotations = opts.annotations;
  const owner = ownerReference(ctx);
  if (owner && namespace === ctx.namespace && opts.owned !== false) meta.ownerReferences = [owner];
  return meta;
}

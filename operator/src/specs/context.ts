// Everything a desired-state function needs: the stack plus the facts the I/O layer gathered.
import type { V1ObjectMeta } from '@kubernetes/client-node';
import type { ElwosaStack, StackSpec } from '../api/elwosastack.js';

export interface Capabilities {
  /** monitoring.coreos.com ServiceMonitor and PrometheusRule are served. */
  monitoring: boolean;
  /** postgresql.cnpg.io Cluster is served. */
  cloudNativePG: boolean;
}

/** Values for the Secrets created once; used only when those Secrets do not exist yet. */
export interface GeneratedSecrets {
  postgresPassword: string;
  redisPassword: string;
  /** PKCS#8 PEM, Ed25519. */
  jwtPrivateKeyPem: string;
}

/** A Grafana dashboard file from dashboards/ (`name` is the file name without `.json`). */
export interface Dashboard {
  name: string;
  json: string;
}

export interface RenderInputs {
  operatorVersion: string;
  capabilities: Capabilities;
  dashboards: readonly Dashboard[];
  secrets: GeneratedSecrets;
  /** Hash of the data of every Secret the pods reference, so a changed Secret rolls the pods. */
  secretsHash: string;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: V1ObjectMeta & { name: string };
  [field: string]: unknown;
}

/** Bring-up order: foundation (data stores, secrets, Ollama, policies) → migrations → services. */
export type Stage = 'foundation' | 'migrations' | 'services';

export interface DesiredObject {
  object: KubeObject;
  stage: Stage;
  /** Created when absent and never updated (generated Secrets). */
  createOnly?: boolean;
}

export interface StackContext {
  stack: ElwosaStack;
  name: string;
  namespace: string;
  spec: StackSpec;
  /** The platform version (image tag). */
  version: string;
  image: string;
  inputs: RenderInputs;
}

export function stackContext(stack: ElwosaStack, inputs: RenderInputs): StackContext {
  const version = stack.spec.image.tag ?? inputs.operatorVersion;
  return {
    stack,
    name: stack.metadata.name,
    namespace: stack.metadata.namespace,
    spec: stack.spec,
    version,
    image: `${stack.spec.image.repository}:${version}`,
    inputs,
  };
}

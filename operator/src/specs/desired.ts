// spec → every object the operator applies, in bring-up order. Pure: no I/O.
import type { ElwosaStack } from '../api/elwosastack.js';
import { type DesiredObject, type RenderInputs, stackContext } from './context.js';
import { databaseObjects } from './database.js';
import { ingressObjects } from './ingress.js';
import { jwtObjects } from './jwt.js';
import { migrationsObjects } from './migrations.js';
import { monitoringObjects } from './monitoring.js';
import { networkPolicyObjects } from './network.js';
import { ollamaObjects } from './ollama.js';
import { platformObjects } from './platform.js';
import { redisObjects } from './redis.js';

export function desiredObjects(stack: ElwosaStack, inputs: RenderInputs): DesiredObject[] {
  const ctx = stackContext(stack, inputs);
  return [
    ...jwtObjects(ctx),
    ...databaseObjects(ctx),
    ...redisObjects(ctx),
    ...ollamaObjects(ctx),
    ...networkPolicyObjects(ctx),
    ...monitoringObjects(ctx),
    ...migrationsObjects(ctx),
    ...platformObjects(ctx),
    ...ingressObjects(ctx),
  ];
}

/** Identity of an object: apiVersion group, kind, namespace, name. */
export function objectKey(o: {
  apiVersion: string;
  kind: string;
  metadata: { namespace?: string; name: string };
}): string {
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
  return `${group}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

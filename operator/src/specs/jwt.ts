// The JWT signing key Secret (created once, never regenerated); auth mounts it.
import type { V1Secret } from '@kubernetes/client-node';
import type { DesiredObject, KubeObject, StackContext } from './context.js';
import { JWT_KEY } from './env.js';
import { objectMeta } from './meta.js';
import { names } from './names.js';

export function jwtObjects(ctx: StackContext): DesiredObject[] {
  if (!ctx.spec.services.auth.enabled) return [];
  const secret: V1Secret & KubeObject = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: objectMeta(ctx, names.jwt(ctx.name), 'auth'),
    type: 'Opaque',
    stringData: { [JWT_KEY]: ctx.inputs.secrets.jwtPrivateKeyPem },
  };
  return [{ object: secret, stage: 'foundation', createOnly: true }];
}

// An Ingress for the gateway when configured.
import type { V1Ingress } from '@kubernetes/client-node';
import type { DesiredObject, KubeObject, StackContext } from './context.js';
import { objectMeta } from './meta.js';
import { names } from './names.js';

export function ingressObjects(ctx: StackContext): DesiredObject[] {
  const ing = ctx.spec.ingress;
  if (!ing.enabled || !ing.host || !ctx.spec.services.gateway.enabled) return [];
  const object: V1Ingress & KubeObject = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: objectMeta(ctx, names.ingress(ctx.name), 'gateway', { annotations: ing.annotations }),
    spec: {
      ...(ing.className ? { ingressClassName: ing.className } : {}),
      rules: [
        {
          host: ing.host,
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: names.target(ctx.name, 'gateway'), port: { name: 'http' } } },
              },
            ],
          },
        },
      ],
      ...(ing.tls.enabled
        ? { tls: [{ hosts: [ing.host], secretName: ing.tls.secretName ?? names.tlsSecret(ctx.name) }] }
        : {}),
    },
  };
  return [{ object, stage: 'services' }];
}

/** Where users reach the stack. */
export function gatewayUrl(ctx: StackContext): string {
  const ing = ctx.spec.ingress;
  if (ing.enabled && ing.host) return `${ing.tls.enabled ? 'https' : 'http'}://${ing.host}`;
  return `http://${names.target(ctx.name, 'gateway')}.${ctx.namespace}.svc:8080`;
}

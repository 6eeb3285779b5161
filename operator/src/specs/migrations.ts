// The migrations Job (`elwosa migrate`), one per platform version: its name carries a hash of
// the image, so a new version gets a new Job and the services roll only after it succeeded.
import type { V1Job } from '@kubernetes/client-node';
import type { DesiredObject, KubeObject, StackContext } from './context.js';
import { commonEnv } from './env.js';
import { hashOf } from './hash.js';
import { objectMeta, podLabels } from './meta.js';
import { names } from './names.js';
import { platformContainer, platformPodSpec } from './pod.js';

export const MIGRATIONS_COMPONENT = 'migrations';

export function migrationsJobName(ctx: StackContext): string {
  return names.migrations(ctx.name, hashOf(ctx.image, 8));
}

export function migrationsObjects(ctx: StackContext): DesiredObject[] {
  const name = migrationsJobName(ctx);
  const container = platformContainer(ctx, 'migrate', {
    args: ['migrate'],
    env: commonEnv(ctx),
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
  });
  const job: V1Job & KubeObject = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: objectMeta(ctx, name, MIGRATIONS_COMPONENT),
    spec: {
      backoffLimit: 6,
      activeDeadlineSeconds: 1800,
      template: {
        metadata: { labels: podLabels(ctx, MIGRATIONS_COMPONENT, true) },
        spec: platformPodSpec(ctx, container, { restartPolicy: 'OnFailure' }),
      },
    },
  };
  // Job templates are immutable: the Job of a version is created once and never updated.
  return [{ object: job, stage: 'migrations', createOnly: true }];
}

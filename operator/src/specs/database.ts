// PostgreSQL: a managed StatefulSet (pgvector), an external database through a Secret, or a
// CloudNativePG Cluster.
import type { V1Secret, V1Service, V1StatefulSet } from '@kubernetes/client-node';
import type { SecretKeyRef } from '../api/elwosastack.js';
import type { DesiredObject, KubeObject, StackContext } from './context.js';
import { objectMeta, podLabels, selectorLabels } from './meta.js';
import { names } from './names.js';
import { pullSecrets } from './pod.js';
import { resourceRequirements } from './resources.js';
import { containerSecurityContext, podSecurityContext } from './security.js';

export const POSTGRES_PORT = 5432;
export const POSTGRES_UID = 999;
const DB_NAME = 'elwosa';
const DB_USER = 'elwosa';

/** Where DATABASE_URL comes from. */
export function databaseUrlRef(ctx: Pick<StackContext, 'name' | 'spec'>): SecretKeyRef {
  const db = ctx.spec.database;
  if (db.mode === 'external' && db.secretRef) return db.secretRef;
  if (db.mode === 'cloudnativepg') return { name: names.cnpgAppSecret(ctx.name), key: 'uri' };
  return { name: names.postgres(ctx.name), key: 'url' };
}

export function databaseObjects(ctx: StackContext): DesiredObject[] {
  switch (ctx.spec.database.mode) {
    case 'external':
      return [];
    case 'cloudnativepg':
      // Without the CloudNativePG CRD there is nothing to apply; the status says so.
      return ctx.inputs.capabilities.cloudNativePG ? [{ object: cnpgCluster(ctx), stage: 'foundation' }] : [];
    case 'managed':
      return managedPostgres(ctx);
  }
}

function managedPostgres(ctx: StackContext): DesiredObject[] {
  const name = names.postgres(ctx.name);
  const host = `${name}.${ctx.namespace}.svc`;
  const password = ctx.inputs.secrets.postgresPassword;
  const retain = ctx.spec.database.retentionPolicy === 'Retain';
  // With Retain the password Secret outlives the stack together with the data volume, so a
  // re-created stack can still open the retained database.
  const secret: V1Secret & KubeObject = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: objectMeta(ctx, name, 'postgres', { owned: !retain }),
    type: 'Opaque',
    stringData: {
      username: DB_USER,
      password,
      database: DB_NAME,
      url: `postgresql://${DB_USER}:${password}@${host}:${POSTGRES_PORT}/${DB_NAME}`,
    },
  };
  const service: V1Service & KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: objectMeta(ctx, name, 'postgres'),
    spec: {
      clusterIP: 'None',
      selector: selectorLabels(ctx, 'postgres'),
      ports: [{ name: 'postgres', port: POSTGRES_PORT, targetPort: 'postgres' }],
    },
  };
  const db = ctx.spec.database;
  const statefulSet: V1StatefulSet & KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: objectMeta(ctx, name, 'postgres'),
    spec: {
      replicas: 1,
      serviceName: name,
      selector: { matchLabels: selectorLabels(ctx, 'postgres') },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: db.retentionPolicy, whenScaled: 'Retain' },
      template: {
        metadata: { labels: podLabels(ctx, 'postgres', false) },
        spec: {
          automountServiceAccountToken: false,
          ...pullSecrets(ctx),
          securityContext: podSecurityContext(POSTGRES_UID),
          containers: [
            {
              name: 'postgres',
              image: db.image,
              ports: [{ name: 'postgres', containerPort: POSTGRES_PORT }],
              env: [
                { name: 'POSTGRES_USER', value: DB_USER },
                { name: 'POSTGRES_DB', value: DB_NAME },
                { name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name, key: 'password' } } },
                { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
              ],
              readinessProbe: {
                exec: { command: ['pg_isready', '-h', '127.0.0.1', '-U', DB_USER, '-d', DB_NAME] },
                periodSeconds: 5,
              },
              livenessProbe: {
                exec: { command: ['pg_isready', '-h', '127.0.0.1', '-U', DB_USER, '-d', DB_NAME] },
                periodSeconds: 20,
                failureThreshold: 6,
              },
              resources: resourceRequirements(db.resources),
              securityContext: containerSecurityContext(),
              volumeMounts: [
                { name: 'data', mountPath: '/var/lib/postgresql/data' },
                { name: 'run', mountPath: '/var/run/postgresql' },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes: [
            { name: 'run', emptyDir: {} },
            { name: 'tmp', emptyDir: {} },
          ],
        },
      },
      volumeClaimTemplates: [
        {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name: 'data' },
          spec: {
            accessModes: ['ReadWriteOnce'],
            ...(db.storage.className ? { storageClassName: db.storage.className } : {}),
            resources: { requests: { storage: String(db.storage.size) } },
          },
        },
      ],
    },
  };
  return [
    { object: secret, stage: 'foundation', createOnly: true },
    { object: service, stage: 'foundation' },
    { object: statefulSet, stage: 'foundation' },
  ];
}

function cnpgCluster(ctx: StackContext): KubeObject {
  const db = ctx.spec.database;
  return {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Cluster',
    metadata: objectMeta(ctx, names.cnpgCluster(ctx.name), 'postgres'),
    spec: {
      instances: db.instances,
      storage: {
        size: String(db.storage.size),
        ...(db.storage.className ? { storageClass: db.storage.className } : {}),
      },
      bootstrap: {
        initdb: {
          database: DB_NAME,
          owner: DB_USER,
          postInitApplicationSQL: ['CREATE EXTENSION IF NOT EXISTS vector'],
        },
      },
      resources: resourceRequirements(db.resources),
    },
  };
}

import { describe, expect, it } from 'vitest';
import { TARGETS } from '../../src/api/targets.js';
import { desiredObjects } from '../../src/specs/desired.js';
import { FIXED_SECRETS } from '../support/fixtures.js';
import { exampleStack, find, inputs, loose, render, stack } from '../support/stacks.js';

const ENV_CONTRACT = new Set([
  'ELWOSA_TARGET',
  'DATABASE_URL',
  'REDIS_URL',
  'JWT_PRIVATE_KEY_FILE',
  'JWT_JWKS_URL',
  'OLLAMA_URLS',
  'OPENAI_API_KEY',
  'OPENAI_BASE_URL',
  'ELWOSA_DEFAULT_MODEL',
  'ELWOSA_EMBEDDING_MODEL',
  'SMTP_URL',
  'LOG_LEVEL',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'ELWOSA_ADMIN_EMAIL',
  'ELWOSA_CORS_ORIGINS',
  'ELWOSA_ACCESS_TOKEN_TTL',
  'ELWOSA_REFRESH_TOKEN_TTL',
  'ELWOSA_RATE_LIMIT_PER_MINUTE',
  'ELWOSA_MIGRATE_ON_START',
]);
const SECRET_ENV = ['DATABASE_URL', 'REDIS_URL', 'OPENAI_API_KEY', 'SMTP_URL'];

describe('per-target objects', () => {
  const objects = render(exampleStack('gpu'));

  it('leaves migrations to the migrations Job', () => {
    type Deployment = {
      kind: string;
      spec: { template: { spec: { containers: Array<{ env?: Array<{ name: string; value?: string }> }> } } };
    };
    const services = (objects as unknown as Deployment[])
      .filter((o) => o.kind === 'Deployment')
      .map((d) => d.spec.template.spec.containers[0]?.env ?? [])
      .filter((env) => env.some((e) => e.name === 'ELWOSA_TARGET'));
    expect(services.length).toBeGreaterThan(5);
    for (const env of services)
      expect(env).toContainEqual({ name: 'ELWOSA_MIGRATE_ON_START', value: 'false' });
  });

  it('deploys every target with the platform image, args, port and probes', () => {
    for (const t of TARGETS) {
      const d = loose(find(objects, 'Deployment', `prod-${t}`));
      const c = d.spec.template.spec.containers[0];
      expect(c.image).toBe('ghcr.io/elwosa/elwosa:0.1.0');
      expect(c.args).toEqual(['start', '--target', t]);
      expect(c.readinessProbe.httpGet.path).toBe('/readyz');
      expect(c.livenessProbe.httpGet.path).toBe('/healthz');
      expect(c.resources.requests.cpu).toBeDefined();
      expect(loose(find(objects, 'Service', `prod-${t}`)).spec.ports[0].port).toBe(c.ports[0].containerPort);
    }
  });

  it('runs restricted: non-root, read-only root, no escalation, no capabilities, RuntimeDefault', () => {
    for (const o of objects.filter(
      (x) => x.kind === 'Deployment' || x.kind === 'StatefulSet' || x.kind === 'Job',
    )) {
      const pod = loose(o).spec.template.spec;
      expect(pod.securityContext.runAsNonRoot, o.metadata.name).toBe(true);
      expect(pod.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
      for (const c of pod.containers) {
        expect(c.securityContext, `${o.metadata.name}/${c.name}`).toEqual({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          runAsNonRoot: true,
          capabilities: { drop: ['ALL'] },
        });
        expect(c.volumeMounts.some((m: { mountPath: string }) => m.mountPath === '/tmp')).toBe(true);
      }
    }
  });

  it('leaves replicas to the HPA when autoscaling is on, and adds PDBs above one replica', () => {
    const gateway = loose(find(objects, 'Deployment', 'prod-gateway'));
    expect(gateway.spec.replicas).toBeUndefined();
    const hpa = loose(find(objects, 'HorizontalPodAutoscaler', 'prod-gateway'));
    expect(hpa.spec).toMatchObject({
      minReplicas: 2,
      maxReplicas: 6,
      scaleTargetRef: { kind: 'Deployment', name: 'prod-gateway' },
    });
    expect(hpa.spec.metrics[0].resource.target.averageUtilization).toBe(70);
    expect(loose(find(objects, 'Deployment', 'prod-tasks')).spec.replicas).toBe(2);
    expect(
      objects
        .filter((o) => o.kind === 'PodDisruptionBudget')
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(['prod-ai-bridge', 'prod-chat', 'prod-gateway', 'prod-tasks']);
    expect(
      objects.some((o) => o.kind === 'HorizontalPodAutoscaler' && o.metadata.name === 'prod-tasks'),
    ).toBe(false);
  });

  it('sets only the env contract, secrets only through secretKeyRef', () => {
    for (const t of TARGETS) {
      const env = loose(find(objects, 'Deployment', `prod-${t}`)).spec.template.spec.containers[0].env as {
        name: string;
        value?: string;
        valueFrom?: unknown;
      }[];
      for (const e of env) {
        expect(ENV_CONTRACT.has(e.name) || /^ELWOSA_SERVICE_[A-Z_]+_URL$/.test(e.name), e.name).toBe(true);
        if (SECRET_ENV.includes(e.name)) expect(e.value, e.name).toBeUndefined();
      }
    }
    const bridge = loose(find(objects, 'Deployment', 'prod-ai-bridge')).spec.template.spec.containers[0].env;
    expect(bridge).toContainEqual({
      name: 'OPENAI_API_KEY',
      valueFrom: { secretKeyRef: { name: 'openai', key: 'api-key' } },
    });
    expect(bridge).toContainEqual({
      name: 'JWT_JWKS_URL',
      value: 'http://prod-auth:8081/.well-known/jwks.json',
    });
    expect(bridge).toContainEqual({ name: 'ELWOSA_SERVICE_TASKS_URL', value: 'http://prod-tasks:8083' });
    const notif = loose(find(objects, 'Deployment', 'prod-notifications')).spec.template.spec.containers[0]
      .env;
    expect(notif).toContainEqual({
      name: 'SMTP_URL',
      valueFrom: { secretKeyRef: { name: 'smtp', key: 'url' } },
    });
    const auth = loose(find(objects, 'Deployment', 'prod-auth')).spec.template.spec;
    expect(auth.containers[0].env).toContainEqual({
      name: 'JWT_PRIVATE_KEY_FILE',
      value: '/var/run/secrets/elwosa/jwt/private.pem',
    });
    expect(auth.volumes).toContainEqual(
      expect.objectContaining({ name: 'jwt', secret: expect.objectContaining({ secretName: 'prod-jwt' }) }),
    );
    const gw = loose(find(objects, 'Deployment', 'prod-gateway')).spec.template.spec.containers[0].env;
    expect(gw).toContainEqual({ name: 'ELWOSA_CORS_ORIGINS', value: 'https://elwosa.example.com' });
    expect(gw).toContainEqual({ name: 'ELWOSA_RATE_LIMIT_PER_MINUTE', value: '300' });
  });

  it('never writes secret material outside Secrets', () => {
    const material = Object.values(FIXED_SECRETS);
    for (const o of objects.filter((x) => x.kind !== 'Secret')) {
      const text = JSON.stringify(o);
      for (const m of material) expect(text.includes(m), `${o.kind}/${o.metadata.name}`).toBe(false);
    }
  });

  it('lets per-service extra env override the stack-wide extra env', () => {
    const s = stack({
      config: {
        env: [
          { name: 'FEATURE_X', value: 'a' },
          { name: 'LOG_LEVEL', value: 'warn' },
        ],
      },
      services: { chat: { env: [{ name: 'FEATURE_X', value: 'b' }] } },
    });
    const env = loose(find(render(s), 'Deployment', 's1-chat')).spec.template.spec.containers[0].env;
    expect(env.filter((e: { name: string }) => e.name === 'FEATURE_X')).toEqual([
      { name: 'FEATURE_X', value: 'b' },
    ]);
    expect(env.filter((e: { name: string }) => e.name === 'LOG_LEVEL')).toEqual([
      { name: 'LOG_LEVEL', value: 'warn' },
    ]);
  });
});

describe('config hash', () => {
  const hash = (objects: ReturnType<typeof render>) =>
    loose(find(objects, 'Deployment', 's1-chat')).spec.template.metadata.annotations['elwosa.io/config-hash'];

  it('changes when config or referenced secrets change, not on replica changes', () => {
    const base = hash(render(stack()));
    expect(hash(render(stack({ config: { logLevel: 'debug' } })))).not.toBe(base);
    expect(hash(render(stack(), { secretsHash: 'h2' }))).not.toBe(base);
    expect(hash(render(stack({ services: { chat: { replicas: 3 } } })))).toBe(base);
  });
});

describe('ownership and labels', () => {
  const s = stack(
    { monitoring: { grafanaDashboards: { enabled: true, namespace: 'monitoring' } } },
    's1',
    'ns1',
    'uid-1',
  );
  const objects = render(s);

  it('labels every object and owns those in the stack namespace', () => {
    for (const o of objects) {
      expect(o.metadata.labels).toMatchObject({
        'app.kubernetes.io/managed-by': 'elwosa-operator',
        'app.kubernetes.io/part-of': 'elwosa',
        'app.kubernetes.io/instance': 's1',
        'elwosa.io/stack': 's1',
        'elwosa.io/stack-namespace': 'ns1',
      });
    }
    const job = find(objects, 'Job', objects.find((o) => o.kind === 'Job')!.metadata.name);
    expect(job.metadata.ownerReferences).toEqual([
      {
        apiVersion: 'elwosa.io/v1alpha1',
        kind: 'ElwosaStack',
        name: 's1',
        uid: 'uid-1',
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
  });

  it('puts dashboards in the Grafana namespace without ownerReferences', () => {
    const cm = find(objects, 'ConfigMap', 'ns1-s1-dashboard-example');
    expect(cm.metadata.namespace).toBe('monitoring');
    expect(cm.metadata.ownerReferences).toBeUndefined();
    expect(cm.metadata.labels?.grafana_dashboard).toBe('1');
    expect(cm.metadata.annotations).toEqual({ grafana_folder: 'ELWOSA' });
  });

  it('keeps the retained database password Secret unowned, and owns it with Delete', () => {
    expect(find(objects, 'Secret', 's1-postgres').metadata.ownerReferences).toBeUndefined();
    const del = render(stack({ database: { retentionPolicy: 'Delete' } }, 's1', 'ns1', 'uid-1'));
    expect(find(del, 'Secret', 's1-postgres').metadata.ownerReferences).toHaveLength(1);
    expect(
      loose(find(del, 'StatefulSet', 's1-postgres')).spec.persistentVolumeClaimRetentionPolicy.whenDeleted,
    ).toBe('Delete');
  });

  it('marks generated Secrets and the migrations Job create-only', () => {
    const createOnly = desiredObjects(s, inputs())
      .filter((d) => d.createOnly)
      .map((d) => `${d.object.kind}/${d.object.metadata.name}`);
    expect(createOnly.filter((n) => n.startsWith('Secret/')).sort()).toEqual([
      'Secret/s1-jwt',
      'Secret/s1-postgres',
      'Secret/s1-redis',
    ]);
    expect(createOnly.filter((n) => n.startsWith('Job/'))).toHaveLength(1);
  });
});

describe('components', () => {
  it('drops disabled targets from objects and upstream URLs', () => {
    const objects = render(stack({ services: { analytics: { enabled: false } } }));
    expect(objects.some((o) => o.metadata.name === 's1-analytics')).toBe(false);
    const env = loose(find(objects, 'Deployment', 's1-gateway')).spec.template.spec.containers[0].env;
    expect(env.some((e: { name: string }) => e.name === 'ELWOSA_SERVICE_ANALYTICS_URL')).toBe(false);
  });

  it('uses external database and Redis Secrets and deploys neither', () => {
    const objects = render(exampleStack('external-db'));
    expect(objects.some((o) => o.metadata.name === 'ext-postgres' || o.metadata.name === 'ext-redis')).toBe(
      false,
    );
    expect(objects.some((o) => o.metadata.name === 'ext-ollama')).toBe(false);
    const env = loose(find(objects, 'Job', objects.find((o) => o.kind === 'Job')!.metadata.name)).spec
      .template.spec.containers[0].env;
    expect(env).toContainEqual({
      name: 'DATABASE_URL',
      valueFrom: { secretKeyRef: { name: 'elwosa-db', key: 'url' } },
    });
    expect(env).toContainEqual({
      name: 'REDIS_URL',
      valueFrom: { secretKeyRef: { name: 'elwosa-redis', key: 'url' } },
    });
  });

  it('creates a CloudNativePG Cluster and reads its app Secret', () => {
    const objects = render(stack({ database: { mode: 'cloudnativepg', instances: 3 } }));
    expect(loose(find(objects, 'Cluster', 's1-pg')).spec.instances).toBe(3);
    const env = loose(find(objects, 'Deployment', 's1-tasks')).spec.template.spec.containers[0].env;
    expect(env).toContainEqual({
      name: 'DATABASE_URL',
      valueFrom: { secretKeyRef: { name: 's1-pg-app', key: 'uri' } },
    });
  });

  it('names the migrations Job per platform version and runs `migrate`', () => {
    const jobName = (tag: string) => render(stack({ image: { tag } })).find((o) => o.kind === 'Job')!;
    expect(jobName('1.0.0').metadata.name).not.toBe(jobName('1.0.1').metadata.name);
    expect(loose(jobName('1.0.0')).spec.template.spec.containers[0].args).toEqual(['migrate']);
  });

  it('skips ServiceMonitors and PrometheusRules without the CRDs, and when disabled', () => {
    const without = render(stack(), { capabilities: { monitoring: false, cloudNativePG: false } });
    expect(without.some((o) => o.kind === 'ServiceMonitor' || o.kind === 'PrometheusRule')).toBe(false);
    const off = render(exampleStack('kind'));
    expect(off.some((o) => o.kind === 'ServiceMonitor' || o.kind === 'PrometheusRule')).toBe(false);
    const on = render(exampleStack('gpu'));
    expect(find(on, 'ServiceMonitor', 'prod-chat').metadata.labels?.release).toBe('kube-prometheus-stack');
    const rule = loose(find(on, 'PrometheusRule', 'prod'));
    expect(rule.metadata.labels.release).toBe('kube-prometheus-stack');
    const alerts = rule.spec.groups[0].rules.map((r: { alert: string }) => r.alert);
    expect(alerts).toEqual(
      expect.arrayContaining([
        'ElwosaComponentDown',
        'ElwosaHighErrorRate',
        'ElwosaHighLatencyP95',
        'ElwosaPostgresDown',
        'ElwosaGpuUnschedulable',
        'ElwosaModelNotLoaded',
      ]),
    );
    for (const r of rule.spec.groups[0].rules)
      expect(r.annotations.runbook_url).toMatch(/^https:\/\/.+\.md$/);
  });

  it('restricts traffic with NetworkPolicies', () => {
    const objects = render(exampleStack('gpu'));
    expect(loose(find(objects, 'NetworkPolicy', 'prod-gateway')).spec.ingress).toEqual([
      { ports: [{ protocol: 'TCP', port: 8080 }] },
    ]);
    const ollama = loose(find(objects, 'NetworkPolicy', 'prod-ollama')).spec.ingress[0].from;
    expect(ollama).toEqual([
      {
        podSelector: {
          matchLabels: { 'app.kubernetes.io/name': 'elwosa', 'elwosa.io/stack': 'prod' },
          matchExpressions: [{ key: 'app.kubernetes.io/component', operator: 'In', values: ['ai-bridge'] }],
        },
      },
    ]);
    const chat = loose(find(objects, 'NetworkPolicy', 'prod-chat')).spec.ingress[0].from;
    expect(chat).toHaveLength(2);
  });

  it('exposes the gateway through an Ingress with TLS', () => {
    const ing = loose(find(render(exampleStack('gpu')), 'Ingress', 'prod'));
    expect(ing.spec.ingressClassName).toBe('nginx');
    expect(ing.spec.tls).toEqual([{ hosts: ['elwosa.example.com'], secretName: 'elwosa-tls' }]);
    expect(ing.spec.rules[0].http.paths[0].backend.service).toEqual({
      name: 'prod-gateway',
      port: { name: 'http' },
    });
  });

  it('leaves the data stores and Ollama untouched by a platform upgrade', () => {
    const byName = (tag: string) =>
      new Map(render(stack({ image: { tag } })).map((o) => [`${o.kind}/${o.metadata.name}`, o]));
    const [v1, v2] = [byName('1.0.0'), byName('1.1.0')];
    for (const key of ['StatefulSet/s1-postgres', 'Deployment/s1-redis', 'StatefulSet/s1-ollama']) {
      expect(loose(v2.get(key)!).spec.template, key).toEqual(loose(v1.get(key)!).spec.template);
    }
    expect(loose(v2.get('Deployment/s1-chat')!).spec.template).not.toEqual(
      loose(v1.get('Deployment/s1-chat')!).spec.template,
    );
  });

  it('gives every pod the image pull secrets', () => {
    const objects = render(stack({ image: { pullSecrets: ['mirror'] } }));
    const pods = objects.filter((o) => ['Deployment', 'StatefulSet', 'Job'].includes(o.kind));
    expect(pods.length).toBeGreaterThan(10);
    for (const o of pods)
      expect(loose(o).spec.template.spec.imagePullSecrets, o.metadata.name).toEqual([{ name: 'mirror' }]);
  });
});

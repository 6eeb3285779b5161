// ElwosaStack (elwosa.io/v1alpha1): the schema is the source of truth for the CRD YAML in
// crds/ and, through the schema builder's inference, for the TypeScript types below.
import {
  autoBool,
  bool,
  dict,
  type Field,
  freeform,
  int,
  list,
  obj,
  oneOf,
  quantity,
  str,
  type TypeOf,
} from './schema.js';
import { TARGETS, type Target } from './targets.js';

export const GROUP = 'elwosa.io';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;
export const KIND = 'ElwosaStack';
export const PLURAL = 'elwosastacks';
export const SINGULAR = 'elwosastack';
export const SHORT_NAMES = ['es', 'estack'];
export const CATEGORIES = ['elwosa', 'all'];
/** Derived names such as `<name>-notifications-metrics` must stay within 63 characters. */
export const MAX_NAME_LENGTH = 40;

const DNS_NAME = { maxLength: 253, pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$' };
const LABEL_VALUE = str({ maxLength: 63 });

const secretRef = (defaultKey: string) =>
  obj({
    name: str(DNS_NAME).required().describe('Name of a Secret in the stack namespace.'),
    key: str({ maxLength: 253 }).default(defaultKey).describe('Key inside the Secret.'),
  }).describe(`A key of a Secret in the stack namespace (key defaults to "${defaultKey}").`);

const resources = (requestsCpu: string, requestsMemory: string, limitsMemory: string) =>
  obj({
    requests: dict(quantity(), { maxProperties: 8 }).describe('Resource requests (cpu, memory, ...).'),
    limits: dict(quantity(), { maxProperties: 8 }).describe('Resource limits.'),
  })
    .default({ requests: { cpu: requestsCpu, memory: requestsMemory }, limits: { memory: limitsMemory } })
    .describe('Container resources (requests and limits).');

const toleration = obj({
  key: str({ maxLength: 316 }),
  operator: oneOf(['Exists', 'Equal'] as const),
  value: str({ maxLength: 63 }),
  effect: oneOf(['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const),
  tolerationSeconds: int({ minimum: 0 }),
});
const tolerations = list(toleration, { maxItems: 16 });

const envVar = obj({
  name: str({ maxLength: 128, pattern: '^[-._a-zA-Z][-._a-zA-Z0-9]*$' }).required(),
  value: str({ maxLength: 4096 }),
  valueFrom: freeform<Record<string, unknown>>().describe('A core/v1 EnvVarSource, passed through as is.'),
});
const extraEnv = list(envVar, { maxItems: 32, listType: 'map', mapKeys: ['name'] });

const storage = (size: string) =>
  obj({
    size: quantity().default(size).describe('PersistentVolumeClaim size.'),
    className: str({ maxLength: 253 })
      .describe('StorageClass name (empty: the cluster default). Immutable.')
      .validate({ rule: 'self == oldSelf', message: 'storage className is immutable' }),
  }).default({ size });

const autoscaling = obj({
  enabled: bool().default(false).describe('Create an autoscaling/v2 HPA; spec.replicas is then left to it.'),
  minReplicas: int({ minimum: 1, maximum: 100 }).default(2).describe('HPA minimum replicas.'),
  maxReplicas: int({ minimum: 1, maximum: 100 }).default(5).describe('HPA maximum replicas.'),
  targetCPUUtilization: int({ minimum: 1, maximum: 100 })
    .default(70)
    .describe('Average CPU utilisation (percent of requests).'),
  behavior: freeform<Record<string, unknown>>().describe('autoscaling/v2 HorizontalPodAutoscalerBehavior.'),
})
  .default({ enabled: false, minReplicas: 2, maxReplicas: 5, targetCPUUtilization: 70 })
  .validate({
    rule: 'self.minReplicas <= self.maxReplicas',
    message: 'autoscaling.minReplicas must not exceed autoscaling.maxReplicas',
  });

const serviceSpec = obj({
  enabled: bool().default(true).describe('Deploy this target.'),
  replicas: int({ minimum: 0, maximum: 100 }).default(1).describe('Replicas when autoscaling is off.'),
  resources: resources('100m', '128Mi', '512Mi'),
  autoscaling,
  env: extraEnv.describe('Extra environment variables for this target only.'),
  nodeSelector: dict(LABEL_VALUE, { maxProperties: 16 }).describe('Node labels the pods must match.'),
  tolerations: tolerations.describe('Tolerations of the pods (core/v1 Toleration fields).'),
}).default({});

const services = obj(
  Object.fromEntries(TARGETS.map((t) => [t, serviceSpec.describe(`The ${t} target.`)])) as Record<
    Target,
    typeof serviceSpec
  >,
).default({});

const externalNeedsSecret = (what: string) => ({
  rule: "self.mode != 'external' || has(self.secretRef)",
  message: `${what}.mode external needs ${what}.secretRef`,
});
const modeImmutable = (what: string) => ({
  rule: 'self.mode == oldSelf.mode',
  message: `${what}.mode is immutable`,
});

const database = obj({
  mode: oneOf(['managed', 'external', 'cloudnativepg'] as const)
    .default('managed')
    .describe(
      'managed: a PostgreSQL StatefulSet; external: DATABASE_URL from secretRef; cloudnativepg: a CNPG Cluster.',
    ),
  secretRef: secretRef('url').describe('external mode: the Secret key holding the full DATABASE_URL.'),
  image: str({ maxLength: 512 })
    .default('pgvector/pgvector:pg17')
    .describe('managed and cloudnativepg modes.'),
  instances: int({ minimum: 1, maximum: 9 }).default(1).describe('cloudnativepg mode: number of instances.'),
  storage: storage('10Gi'),
  retentionPolicy: oneOf(['Retain', 'Delete'] as const)
    .default('Retain')
    .describe('What happens to the data volumes when the stack is deleted.'),
  resources: resources('250m', '256Mi', '1Gi'),
})
  .default({})
  .validate(externalNeedsSecret('database'), modeImmutable('database'));

const redis = obj({
  mode: oneOf(['managed', 'external'] as const)
    .default('managed')
    .describe('managed: a Redis in the stack (generated password); external: REDIS_URL from secretRef.'),
  secretRef: secretRef('url').describe('external mode: the Secret key holding the full REDIS_URL.'),
  image: str({ maxLength: 512 }).default('redis:7.4-alpine').describe('managed mode: the Redis image.'),
  persistence: obj({
    enabled: bool().default(false).describe('Keep Redis data on a PVC (append-only file).'),
    size: quantity().default('1Gi').describe('PersistentVolumeClaim size.'),
    className: str({ maxLength: 253 })
      .describe('StorageClass name (empty: the cluster default). Immutable.')
      .validate({ rule: 'self == oldSelf', message: 'className is immutable' }),
  })
    .default({})
    .describe('Redis persistence (a StatefulSet with a PVC instead of a Deployment).'),
  resources: resources('50m', '64Mi', '256Mi'),
})
  .default({})
  .validate(externalNeedsSecret('redis'), modeImmutable('redis'));

const gpu = obj({
  enabled: bool().default(false).describe('Schedule Ollama on GPUs.'),
  count: int({ minimum: 0, maximum: 16 }).default(1).describe('GPUs per replica (requests = limits).'),
  resourceName: str({ maxLength: 253, pattern: '^[a-z0-9.-]+/[a-z0-9.-]+$' })
    .default('nvidia.com/gpu')
    .describe('Extended resource, e.g. nvidia.com/gpu, nvidia.com/gpu.shared or nvidia.com/mig-1g.10gb.'),
  runtimeClassName: str({ maxLength: 253 }).describe('e.g. nvidia (GPU Operator toolkit); empty: none.'),
  productIn: list(str({ maxLength: 128 }), { maxItems: 16 }).describe(
    'Required node affinity on nvidia.com/gpu.product In these values.',
  ),
  tolerations: tolerations.describe('Added to the default nvidia.com/gpu NoSchedule toleration.'),
})
  .default({})
  .validate({
    rule: '!self.enabled || self.count >= 1',
    message: 'gpu.count must be at least 1 when gpu is enabled',
  });

const ollama = obj({
  enabled: bool().default(true).describe('Run Ollama in the stack.'),
  replicas: int({ minimum: 0, maximum: 16 })
    .default(1)
    .describe('Ollama replicas, each with its own model cache volume.'),
  image: str({ maxLength: 512 })
    .default('ollama/ollama:0.12.3')
    .describe('The Ollama image (also runs the model puller).'),
  models: list(str({ maxLength: 256 }), { maxItems: 16, listType: 'set' })
    .default([])
    .describe('Models pulled (idempotently) into every replica.'),
  keepAlive: str({ maxLength: 32 }).default('5m').describe('OLLAMA_KEEP_ALIVE; "-1" keeps models resident.'),
  numParallel: int({ minimum: 1, maximum: 64 }).describe('OLLAMA_NUM_PARALLEL (unset: Ollama decides).'),
  preload: bool().default(false).describe('Load every model into memory once pulled (keep_alive -1).'),
  resources: resources('500m', '2Gi', '8Gi'),
  storage: storage('20Gi'),
  gpu,
}).default({});

const ai = obj({
  defaultModel: str({ maxLength: 256 }).default('llama3.2:1b').describe('ELWOSA_DEFAULT_MODEL.'),
  embeddingModel: str({ maxLength: 256 }).default('nomic-embed-text').describe('ELWOSA_EMBEDDING_MODEL.'),
  openai: obj({
    secretRef: secretRef('api-key').describe('OPENAI_API_KEY.'),
    baseURL: str({ maxLength: 2048, format: 'uri' }).describe('OPENAI_BASE_URL.'),
  }).describe('OpenAI (or a compatible API) for ai-bridge.'),
  ollama: ollama.describe('Local models through Ollama.'),
}).default({});

const ingress = obj({
  enabled: bool().default(false).describe('Create an Ingress for the gateway.'),
  className: str({ maxLength: 253 }).describe('ingressClassName.'),
  host: str({ maxLength: 253, pattern: '^(\\*\\.)?[a-z0-9]([-a-z0-9.]*[a-z0-9])?$' }),
  annotations: dict(str({ maxLength: 4096 }), { maxProperties: 32 }).describe(
    'Annotations of the Ingress (e.g. cert-manager).',
  ),
  tls: obj({
    enabled: bool().default(false).describe('Terminate TLS for the host.'),
    secretName: str(DNS_NAME).describe('TLS Secret (default: <stack>-tls).'),
  }).default({}),
})
  .default({})
  .validate({
    rule: '!self.enabled || has(self.host)',
    message: 'ingress.host is required when ingress is enabled',
  });

const RELEASE = { release: 'kube-prometheus-stack' };
const monitoring = obj({
  serviceMonitor: obj({
    enabled: autoBool().default('auto').describe('auto: only when the monitoring.coreos.com CRDs exist.'),
    labels: dict(LABEL_VALUE, { maxProperties: 16 })
      .default(RELEASE)
      .describe('Labels the Prometheus serviceMonitorSelector matches (kube-prometheus-stack: release).'),
    interval: str({ maxLength: 16, pattern: '^[0-9]+(ms|s|m|h)$' })
      .default('30s')
      .describe('Scrape interval.'),
  }).default({}),
  prometheusRules: obj({
    enabled: autoBool().default('auto').describe('auto: only when the monitoring.coreos.com CRDs exist.'),
    labels: dict(LABEL_VALUE, { maxProperties: 16 })
      .default(RELEASE)
      .describe('Labels the Prometheus ruleSelector matches.'),
    runbookBaseURL: str({ maxLength: 2048 })
      .default('https://github.com/elwosa/elwosa/blob/main/docs/runbooks')
      .describe('Alerts link to <runbookBaseURL>/<Alert>.md.'),
  }).default({}),
  grafanaDashboards: obj({
    enabled: bool().default(false).describe('Create one ConfigMap per dashboards/*.json file.'),
    namespace: str({ maxLength: 63 }).describe(
      'Namespace the Grafana sidecar watches (default: the stack namespace).',
    ),
    labels: dict(LABEL_VALUE, { maxProperties: 16 })
      .default({ grafana_dashboard: '1' })
      .describe('Labels the Grafana sidecar selects.'),
    folder: str({ maxLength: 253 }).default('ELWOSA').describe('grafana_folder annotation.'),
  }).default({}),
}).default({});

const auth = obj({
  accessTokenTTLSeconds: int({ minimum: 60, maximum: 86400 })
    .default(900)
    .describe('ELWOSA_ACCESS_TOKEN_TTL.'),
  refreshTokenTTLSeconds: int({ minimum: 300, maximum: 7776000 })
    .default(604800)
    .describe('ELWOSA_REFRESH_TOKEN_TTL.'),
  rateLimitPerMinute: int({ minimum: 1, maximum: 100000 })
    .default(120)
    .describe('ELWOSA_RATE_LIMIT_PER_MINUTE (gateway).'),
}).default({});

const config = obj({
  adminEmail: str({ maxLength: 254, format: 'email' }).describe(
    'ELWOSA_ADMIN_EMAIL: this user becomes admin.',
  ),
  corsOrigins: list(str({ maxLength: 2048 }), { maxItems: 16 }).describe('ELWOSA_CORS_ORIGINS (gateway).'),
  smtp: obj({ secretRef: secretRef('url').describe('SMTP_URL.') }),
  logLevel: oneOf(['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const)
    .default('info')
    .describe('LOG_LEVEL.'),
  otelEndpoint: str({ maxLength: 2048, format: 'uri' }).describe('OTEL_EXPORTER_OTLP_ENDPOINT.'),
  env: extraEnv.describe('Extra environment variables for every target.'),
}).default({});

const image = obj({
  repository: str({ maxLength: 512 })
    .default('ghcr.io/elwosa/elwosa')
    .describe('The platform image (all targets).'),
  tag: str({ maxLength: 128 }).describe("Platform version (default: the operator's version)."),
  pullPolicy: oneOf(['Always', 'IfNotPresent', 'Never'] as const).default('IfNotPresent'),
  pullSecrets: list(str(DNS_NAME), { maxItems: 8 }).describe('imagePullSecrets names.'),
}).default({});

export const stackSpecSchema = obj({
  image,
  services,
  database,
  redis,
  ai,
  ingress,
  monitoring,
  auth,
  config,
});

export const CONDITION_TYPES = [
  'Ready',
  'Progressing',
  'Degraded',
  'Reconciled',
  'DatabaseReady',
  'CacheReady',
  'InferenceReady',
  'ModelsReady',
  'MonitoringReady',
] as const;
export type ConditionType = (typeof CONDITION_TYPES)[number];

export const conditionSchema = obj({
  type: str({
    maxLength: 316,
    pattern:
      '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$',
  }).required(),
  status: oneOf(['True', 'False', 'Unknown'] as const).required(),
  observedGeneration: int({ minimum: 0 }),
  lastTransitionTime: str({ maxLength: 64, format: 'date-time' }).required(),
  reason: str({
    minLength: 1,
    maxLength: 1024,
    pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$',
  }).required(),
  message: str({ maxLength: 32768 }).required(),
});
export type Condition = TypeOf<typeof conditionSchema>;

export const PHASES = ['Pending', 'Progressing', 'Ready', 'Degraded'] as const;
export type Phase = (typeof PHASES)[number];

const componentStatus = obj({
  ready: bool().required().describe('The component is ready.'),
  replicas: int({ minimum: 0 }).describe('Desired replicas (or instances).'),
  readyReplicas: int({ minimum: 0 }).describe('Ready replicas.'),
  image: str({ maxLength: 512 }).describe('Image of the main container.'),
  message: str({ maxLength: 1024 }).describe('Human-readable state.'),
});
export type ComponentStatus = TypeOf<typeof componentStatus>;

export const stackStatusSchema = obj({
  observedGeneration: int({ minimum: 0 }).describe('The metadata.generation this status was computed from.'),
  phase: oneOf(PHASES).describe(
    'Summary: Pending (nothing ready yet), Progressing, Ready, Degraded (see the Degraded condition).',
  ),
  version: str({ maxLength: 128 }).describe('The platform version the services run (after migrations).'),
  gatewayURL: str({ maxLength: 2048 }).describe(
    'Where users reach the stack (Ingress URL or the gateway Service).',
  ),
  conditions: list(conditionSchema, { maxItems: 16, listType: 'map', mapKeys: ['type'] }).describe(
    'metav1.Condition list; see "Conditions".',
  ),
  components: dict(componentStatus, { maxProperties: 32 }).describe(
    'Per component (database, cache, migrations, ollama and each target).',
  ),
});

export type StackSpec = TypeOf<typeof stackSpecSchema>;
export type StackStatus = TypeOf<typeof stackStatusSchema>;
export type ServiceSpec = TypeOf<typeof serviceSpec>;
export type SecretKeyRef = { name: string; key: string };
export type Toleration = TypeOf<typeof toleration>;
export type EnvVarSpec = TypeOf<typeof envVar>;
export type OllamaSpec = StackSpec['ai']['ollama'];

export interface ObjectMeta {
  name: string;
  namespace: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  deletionTimestamp?: string | Date;
  creationTimestamp?: string | Date;
}

/** An ElwosaStack after defaulting (what the API server returns and the operator works on). */
export interface ElwosaStack {
  apiVersion: typeof API_VERSION;
  kind: typeof KIND;
  metadata: ObjectMeta;
  spec: StackSpec;
  status?: StackStatus;
}

/** The root of the CRD's openAPIV3Schema. */
export const stackSchema: Field<unknown> = obj({
  apiVersion: str({ maxLength: 253 }),
  kind: str({ maxLength: 253 }),
  metadata: obj({}),
  spec: stackSpecSchema.default({}),
  status: stackStatusSchema,
}).validate({
  rule: `size(self.metadata.name) <= ${MAX_NAME_LENGTH}`,
  message: `metadata.name must be at most ${MAX_NAME_LENGTH} characters (derived object names must fit 63)`,
});

// One reconcile of one ElwosaStack: desired objects → ordered server-side apply → prune →
// readiness read back → status (only when changed) → Events on transitions.
import { API_VERSION, type ElwosaStack, KIND, type StackStatus, stackSchema } from '../api/elwosastack.js';
import { withDefaults } from '../api/load.js';
import { TARGETS, type Target } from '../api/targets.js';
import { validateAgainst } from '../api/validate.js';
import { generateSecrets } from '../secrets.js';
import {
  type Capabilities,
  type Dashboard,
  type DesiredObject,
  type GeneratedSecrets,
  type StackContext,
  stackContext,
} from '../specs/context.js';
import { databaseUrlRef } from '../specs/database.js';
import { desiredObjects, objectKey } from '../specs/desired.js';
import { hashOf, stableJson } from '../specs/hash.js';
import { gatewayUrl } from '../specs/ingress.js';
import { FINALIZER, LABEL } from '../specs/meta.js';
import { MIGRATIONS_COMPONENT, migrationsJobName } from '../specs/migrations.js';
import {
  dashboardNamespace,
  monitoringCrdsMissing,
  prometheusRulesEnabled,
  serviceMonitorsEnabled,
} from '../specs/monitoring.js';
import { names } from '../specs/names.js';
import { redisUrlRef } from '../specs/redis.js';
import type { ObjectCache } from './cache.js';
import { normaliseTime } from './conditions.js';
import type { EventRecorder } from './events.js';
import { transitionEvents } from './events.js';
import { KINDS, type Kind, kindOf, OWNED_KINDS } from './kinds.js';
import { isStatus, type KubeApi, type KubeObjectJson } from './kube-api.js';
import type { OperatorMetrics } from './metrics.js';
import {
  cnpgReadiness,
  jobState,
  type Readiness,
  unschedulableMessage,
  workloadReadiness,
} from './readiness.js';
import { computeStatus, type Observation } from './status.js';
import type { WorkResult } from './workqueue.js';
import { WriteMemo } from './write-memo.js';

export const APPLIED_HASH = 'elwosa.io/applied-hash';
const CREATED = 'created';

export interface ReconcilerDeps {
  api: KubeApi;
  /** The informer cache of a kind, when the operator keeps one. */
  cache: (kind: Kind) => ObjectCache | undefined;
  /** The watched namespaces (undefined: all); lists of kinds without a cache stay within them. */
  namespaces?: readonly string[];
  capabilities: () => Promise<Capabilities>;
  dashboards: readonly Dashboard[];
  events: EventRecorder;
  metrics: OperatorMetrics;
  operatorVersion: string;
  /** Re-check a stack that is not Ready yet after this long (child events usually come first). */
  pollMs: number;
  now?: () => Date;
}

interface BringUpOutcome {
  migrations: ReturnType<typeof jobState>;
  applyError?: string;
  degraded?: Observation['degraded'];
}

export class Reconciler {
  /** Material for the create-once Secrets, generated once per stack while this process runs. */
  private readonly material = new Map<string, GeneratedSecrets>();
  /** Intent hashes (or "created") per object, and statuses per stack, the cache may not show yet. */
  private readonly applied = new WriteMemo<string>();
  private readonly statuses = new WriteMemo<StackStatus>();
  /** Schema problems per stack and generation (validation is not free; specs rarely change). */
  private readonly problems = new Map<string, { generation: number | undefined; problems: string[] }>();

  constructor(private readonly deps: ReconcilerDeps) {}

  async reconcile(key: string): Promise<WorkResult> {
    const [namespace, name] = key.split('/') as [string, string];
    const raw =
      this.deps.cache(KINDS.stack)?.get(namespace, name) ??
      (await this.deps.api.find(KINDS.stack, namespace, name));
    if (!raw) {
      this.deps.metrics.forgetStack(namespace, name);
      this.material.delete(key);
      this.problems.delete(key);
      return {};
    }
    // List items may come without apiVersion/kind; the kind is known here.
    const stack = withDefaults({ ...raw, apiVersion: API_VERSION, kind: KIND }, namespace);
    if (stack.metadata.deletionTimestamp) return this.finalize(stack);
    if (!(stack.metadata.finalizers ?? []).includes(FINALIZER)) {
      await this.deps.api.mergePatch(KINDS.stack, namespace, name, {
        metadata: {
          finalizers: [...(stack.metadata.finalizers ?? []), FINALIZER],
          resourceVersion: stack.metadata.resourceVersion,
        },
      });
    }
    return this.sync(stack);
  }

  private async sync(stack: ElwosaStack): Promise<WorkResult> {
    const key = stackKey(stack.metadata.namespace, stack.metadata.name);
    const capabilities = await this.deps.capabilities();
    const secrets = this.material.get(key) ?? generateSecrets();
    this.material.set(key, secrets);
    const inputs = {
      operatorVersion: this.deps.operatorVersion,
      capabilities,
      dashboards: this.deps.dashboards,
      secrets,
      secretsHash: await this.secretsHash(stack),
    };
    const ctx = stackContext(stack, inputs);
    const desired = desiredObjects(stack, inputs);
    const database = await this.databaseReadiness(ctx);
    const cache = await this.cacheReadiness(ctx);
    const problems = this.specProblems(key, stack);
    const outcome: BringUpOutcome = problems
      ? { migrations: jobState(this.cached(KINDS.job, ctx.namespace, migrationsJobName(ctx)) as never) }
      : await this.bringUp(ctx, desired, database.ready && cache.ready);

    const previous = this.statuses.pending(key, stack.metadata.resourceVersion) ?? stack.status;
    const status = computeStatus({
      generation: stack.metadata.generation ?? 1,
      previous,
      now: normaliseTime((this.deps.now ?? (() => new Date()))()),
      version: ctx.version,
      gatewayURL: gatewayUrl(ctx),
      database,
      cache,
      migrations: outcome.migrations,
      targets: this.targetReadiness(ctx),
      ollama: this.ollamaReadiness(ctx),
      openAIConfigured: ctx.spec.ai.openai?.secretRef !== undefined,
      monitoring: this.monitoringReadiness(ctx),
      applyError: outcome.applyError,
      ...(outcome.degraded ? { degraded: outcome.degraded } : {}),
      ...(problems ? { invalidSpec: problems } : {}),
    });
    await this.writeStatus(stack, previous, status);
    this.deps.metrics.setConditions(ctx.namespace, ctx.name, status.conditions ?? []);
    if (outcome.applyError) throw new Error(outcome.applyError);
    return status.phase === 'Ready' ? {} : { requeueAfterMs: this.deps.pollMs };
  }

  /**
   * Ordered bring-up: the foundation; once the data stores are ready, the migrations Job; once
   * it succeeded, the services. Then pruning. Errors end the bring-up and are reported.
   */
  private async bringUp(
    ctx: StackContext,
    desired: readonly DesiredObject[],
    dataStoresReady: boolean,
  ): Promise<BringUpOutcome> {
    const migrationsJob = () =>
      jobState(this.cached(KINDS.job, ctx.namespace, migrationsJobName(ctx)) as never);
    let migrations = migrationsJob();
    let degraded: Observation['degraded'];
    const applyStage = async (stage: DesiredObject['stage']) => {
      for (const d of desired.filter((x) => x.stage === stage)) {
        try {
          await this.applyObject(d);
        } catch (err) {
          if (!(isStatus(err, 422) && d.object.kind === 'StatefulSet')) throw err;
          degraded = {
            reason: 'ImmutableFieldChanged',
            message: `${d.object.metadata.name}: recreating the StatefulSet (orphaning its pods) to change an immutable field`,
          };
          await this.recreateOrphaning(d);
        }
      }
    };
    try {
      await applyStage('foundation');
      if (dataStoresReady) {
        await applyStage('migrations');
        migrations = migrationsJob();
      }
      if (migrations.state === 'succeeded') await applyStage('services');
      await this.prune(ctx.stack, desired, ctx.inputs.capabilities, migrations.state === 'succeeded');
      return { migrations, ...(degraded ? { degraded } : {}) };
    } catch (err) {
      return {
        migrations,
        applyError: err instanceof Error ? err.message : String(err),
        ...(degraded ? { degraded } : {}),
      };
    }
  }

  /**
   * The API server validates specs (schema and CEL) unless its version or the client bypassed
   * it; an invalid spec is reported (InvalidSpec) instead of being half-applied.
   */
  private specProblems(key: string, stack: ElwosaStack): string | undefined {
    const generation = stack.metadata.generation;
    let entry = this.problems.get(key);
    if (!entry || entry.generation !== generation) {
      const { status: _status, ...withoutStatus } = stack;
      entry = { generation, problems: validateAgainst(stackSchema.schema, withoutStatus) };
      this.problems.set(key, entry);
    }
    return entry.problems.length > 0
      ? `the spec is invalid: ${entry.problems.slice(0, 5).join('; ')}`
      : undefined;
  }

  /** Enabled targets: their Deployment's readiness, or waiting (not applied before migrations). */
  private targetReadiness(ctx: StackContext): Partial<Record<Target, Readiness>> {
    const targets: Partial<Record<Target, Readiness>> = {};
    for (const t of TARGETS) {
      if (!ctx.spec.services[t].enabled) continue;
      const d = this.cached(KINDS.deployment, ctx.namespace, names.target(ctx.name, t));
      targets[t] = d
        ? workloadReadiness(d as never, t)
        : { ready: false, reason: 'Waiting', message: `${t}: waiting for migrations` };
    }
    return targets;
  }

  /** An object from the informer cache of its kind. */
  private cached(kind: Kind, namespace: string, name: string): KubeObjectJson | undefined {
    return this.deps.cache(kind)?.get(namespace, name);
  }

  /** From the informer cache when the operator keeps one for the kind, else from the API. */
  private async live(kind: Kind, namespace: string, name: string): Promise<KubeObjectJson | undefined> {
    const cache = this.deps.cache(kind);
    return cache ? cache.get(namespace, name) : this.deps.api.find(kind, namespace, name);
  }

  /**
   * A Secret the pods reference: ours are in the (label-selected) cache; the user's (external
   * database, OpenAI, SMTP) are not, so they are read from the API.
   */
  private async referencedSecret(namespace: string, name: string): Promise<KubeObjectJson | undefined> {
    return (
      this.cached(KINDS.secret, namespace, name) ?? (await this.deps.api.find(KINDS.secret, namespace, name))
    );
  }

  /**
   * Apply one object unless the live one already carries the same intent hash; create-once
   * objects are only created when absent (409: someone else was first, fine).
   */
  private async applyObject(d: DesiredObject): Promise<void> {
    const { object } = d;
    const kind = kindOf(object);
    const namespace = object.metadata.namespace as string;
    const live = await this.live(kind, namespace, object.metadata.name);
    const memoKey = objectKey(object);
    const pending = this.applied.pending(memoKey, live?.metadata.resourceVersion);
    if (d.createOnly) {
      if (live || pending === CREATED) return;
      try {
        await this.deps.api.create(object as KubeObjectJson);
      } catch (err) {
        if (!isStatus(err, 409)) throw err;
      }
      this.applied.remember(memoKey, undefined, CREATED);
      return;
    }
    const hash = hashOf(object);
    if (live?.metadata.annotations?.[APPLIED_HASH] === hash || pending === hash) return;
    const intent = {
      ...object,
      metadata: { ...object.metadata, annotations: { ...object.metadata.annotations, [APPLIED_HASH]: hash } },
    };
    await this.deps.api.apply(intent as KubeObjectJson);
    this.applied.remember(memoKey, live?.metadata.resourceVersion, hash);
  }

  private async recreateOrphaning(d: DesiredObject): Promise<void> {
    await this.deps.api.delete(
      kindOf(d.object),
      d.object.metadata.namespace,
      d.object.metadata.name,
      'Orphan',
    );
    await this.applyObject(d);
  }

  /** Delete objects labelled for this stack and owned by it (or in another namespace) that are no longer desired. */
  private async prune(
    stack: ElwosaStack,
    desired: readonly DesiredObject[],
    capabilities: Capabilities,
    migrated: boolean,
  ): Promise<void> {
    const wanted = new Set(desired.map((d) => objectKey(d.object)));
    for (const obj of await this.stackObjects(stack, capabilities)) {
      if (wanted.has(objectKey(obj))) continue;
      // The previous version's migrations Job stays (logs, history) until the new one succeeded.
      if (!migrated && obj.metadata.labels?.[LABEL.component] === MIGRATIONS_COMPONENT) continue;
      const sameNamespace = obj.metadata.namespace === stack.metadata.namespace;
      const owned = (obj.metadata.ownerReferences ?? []).some((r) => r.uid === stack.metadata.uid);
      if (sameNamespace && !owned) continue; // e.g. the retained database Secret
      await this.deps.api.delete(kindOf(obj), obj.metadata.namespace, obj.metadata.name);
    }
  }

  /** Every object labelled as belonging to this stack, in any namespace. */
  private async stackObjects(stack: ElwosaStack, capabilities: Capabilities): Promise<KubeObjectJson[]> {
    const { name, namespace } = stack.metadata;
    const selector = `${LABEL.stack}=${name},${LABEL.stackNamespace}=${namespace}`;
    const out: KubeObjectJson[] = [];
    for (const kind of OWNED_KINDS) {
      const served = kind.apiVersion.startsWith('monitoring.coreos.com')
        ? capabilities.monitoring
        : kind.apiVersion.startsWith('postgresql.cnpg.io')
          ? capabilities.cloudNativePG
          : true;
      if (!served) continue;
      const cache = this.deps.cache(kind);
      const items = cache
        ? cache
            .list()
            .filter(
              (o) =>
                o.metadata.labels?.[LABEL.stack] === name &&
                o.metadata.labels?.[LABEL.stackNamespace] === namespace,
            )
        : await this.listEverywhere(kind, selector);
      out.push(...items.map((o) => ({ ...o, apiVersion: kind.apiVersion, kind: kind.kind })));
    }
    return out;
  }

  /** A list across the watched namespaces (one cluster-wide list when all are watched). */
  private async listEverywhere(kind: Kind, selector: string): Promise<KubeObjectJson[]> {
    const namespaces = this.deps.namespaces;
    if (!namespaces) return (await this.deps.api.list(kind, undefined, selector)).items;
    const lists = await Promise.all(namespaces.map((ns) => this.deps.api.list(kind, ns, selector)));
    return lists.flatMap((l) => l.items);
  }

  /** Deletion: remove what garbage collection cannot (objects in other namespaces), then the finalizer. */
  private async finalize(stack: ElwosaStack): Promise<WorkResult> {
    const capabilities = await this.deps.capabilities();
    for (const obj of await this.stackObjects(stack, capabilities)) {
      if (obj.metadata.namespace !== stack.metadata.namespace)
        await this.deps.api.delete(kindOf(obj), obj.metadata.namespace, obj.metadata.name);
    }
    const finalizers = stack.metadata.finalizers ?? [];
    if (finalizers.includes(FINALIZER)) {
      await this.deps.api.mergePatch(KINDS.stack, stack.metadata.namespace, stack.metadata.name, {
        metadata: {
          finalizers: finalizers.filter((f) => f !== FINALIZER),
          resourceVersion: stack.metadata.resourceVersion,
        },
      });
    }
    this.deps.metrics.forgetStack(stack.metadata.namespace, stack.metadata.name);
    return {};
  }

  /** A hash of the data of every Secret the pods reference, so a rotated Secret rolls them. */
  private async secretsHash(stack: ElwosaStack): Promise<string> {
    const ctx = { name: stack.metadata.name, spec: stack.spec };
    const refs = [
      databaseUrlRef(ctx).name,
      redisUrlRef(ctx).name,
      stack.spec.ai.openai?.secretRef?.name,
      stack.spec.config.smtp?.secretRef?.name,
    ];
    if (stack.spec.services.auth.enabled) refs.push(names.jwt(stack.metadata.name));
    const data: Record<string, unknown> = {};
    for (const name of [...new Set(refs.filter((r): r is string => r !== undefined))].sort()) {
      const secret = await this.referencedSecret(stack.metadata.namespace, name);
      data[name] = secret ? hashOf(secret.data ?? {}) : null;
    }
    return hashOf(data);
  }

  private async databaseReadiness(ctx: StackContext): Promise<Readiness> {
    const db = ctx.spec.database;
    if (db.mode === 'managed')
      return workloadReadiness(
        this.cached(KINDS.statefulSet, ctx.namespace, names.postgres(ctx.name)) as never,
        'postgres',
      );
    if (db.mode === 'external')
      return this.secretReadiness(ctx, databaseUrlRef(ctx).name, 'ExternalDatabase', 'database');
    if (!ctx.inputs.capabilities.cloudNativePG) {
      return {
        ready: false,
        reason: 'CloudNativePGNotInstalled',
        message: 'database.mode is cloudnativepg but the postgresql.cnpg.io Cluster CRD is not served',
      };
    }
    return cnpgReadiness(
      (await this.deps.api.find(KINDS.cnpgCluster, ctx.namespace, names.cnpgCluster(ctx.name))) as never,
    );
  }

  private async cacheReadiness(ctx: StackContext): Promise<Readiness> {
    if (ctx.spec.redis.mode === 'external')
      return this.secretReadiness(ctx, redisUrlRef(ctx).name, 'ExternalCache', 'redis');
    const kind = ctx.spec.redis.persistence.enabled ? KINDS.statefulSet : KINDS.deployment;
    return workloadReadiness(this.cached(kind, ctx.namespace, names.redis(ctx.name)) as never, 'redis');
  }

  private async secretReadiness(
    ctx: StackContext,
    secret: string,
    reason: string,
    what: string,
  ): Promise<Readiness> {
    const found = await this.referencedSecret(ctx.namespace, secret);
    return found
      ? { ready: true, reason, message: `external ${what} through Secret ${secret}` }
      : {
          ready: false,
          reason: 'SecretNotFound',
          message: `Secret ${secret} for the external ${what} does not exist`,
        };
  }

  private ollamaReadiness(ctx: StackContext): Observation['ollama'] {
    const ollama = ctx.spec.ai.ollama;
    if (!ollama.enabled) return undefined;
    const name = names.ollama(ctx.name);
    const readiness = workloadReadiness(
      this.cached(KINDS.statefulSet, ctx.namespace, name) as never,
      'ollama',
    );
    const pods = (this.deps.cache(KINDS.pod)?.list(ctx.namespace) ?? []).filter(
      (p) =>
        p.metadata.labels?.[LABEL.stack] === ctx.name && p.metadata.labels?.[LABEL.component] === 'ollama',
    );
    const unschedulable = readiness.ready ? undefined : unschedulableMessage(pods as never);
    return {
      ...readiness,
      gpu: ollama.gpu.enabled,
      modelCount: ollama.models.length,
      ...(unschedulable ? { unschedulable } : {}),
    };
  }

  private monitoringReadiness(ctx: StackContext): Observation['monitoring'] {
    if (monitoringCrdsMissing(ctx)) {
      return {
        status: 'Unknown',
        reason: 'PrometheusOperatorCRDsMissing',
        message:
          'monitoring.coreos.com ServiceMonitor/PrometheusRule CRDs are not served; install kube-prometheus-stack or set monitoring.*.enabled: false',
      };
    }
    const parts = [
      serviceMonitorsEnabled(ctx) ? 'ServiceMonitors' : undefined,
      prometheusRulesEnabled(ctx) ? 'PrometheusRule' : undefined,
      ctx.spec.monitoring.grafanaDashboards.enabled ? `dashboards in ${dashboardNamespace(ctx)}` : undefined,
    ].filter(Boolean);
    return parts.length > 0
      ? { status: 'True', reason: 'MonitoringConfigured', message: parts.join(', ') }
      : { status: 'True', reason: 'MonitoringDisabled', message: 'monitoring is disabled in the spec' };
  }

  /** Server-side apply of the status subresource, only when it changed. */
  private async writeStatus(
    stack: ElwosaStack,
    previous: StackStatus | undefined,
    status: StackStatus,
  ): Promise<void> {
    if (stableJson(normaliseStatus(previous)) === stableJson(normaliseStatus(status))) return;
    await this.deps.api.apply(
      {
        apiVersion: API_VERSION,
        kind: KIND,
        metadata: { name: stack.metadata.name, namespace: stack.metadata.namespace },
        status,
      },
      'status',
    );
    this.statuses.remember(
      stackKey(stack.metadata.namespace, stack.metadata.name),
      stack.metadata.resourceVersion,
      status,
    );
    await this.deps.events.record(stack, transitionEvents(previous?.conditions, status.conditions ?? []));
  }
}

function normaliseStatus(status: StackStatus | undefined): unknown {
  if (!status) return null;
  return {
    ...status,
    conditions: (status.conditions ?? []).map((c) => ({
      ...c,
      lastTransitionTime: normaliseTime(c.lastTransitionTime),
    })),
  };
}

export const stackKey = (namespace: string, name: string) => `${namespace}/${name}`;

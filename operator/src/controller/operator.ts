// Wiring: leader election → informers → work queue → reconciler, plus probes and metrics.
import { hostname } from 'node:os';
import type { KubeConfig } from '@kubernetes/client-node';
import { loadDashboards } from '../dashboards.js';
import type { Capabilities, Dashboard } from '../specs/context.js';
import { LABEL, MANAGED_BY } from '../specs/meta.js';
import { OPERATOR_VERSION } from '../version.js';
import { NamespacedCache, type ObjectCache } from './cache.js';
import { EventRecorder } from './events.js';
import { type ProbeServer, startProbeServer } from './http.js';
import { type InformerEvent, ResilientInformer } from './informer.js';
import { CORE_OWNED_KINDS, KINDS, type Kind, kindKey } from './kinds.js';
import { KubeApi, type KubeObjectJson } from './kube-api.js';
import { DEFAULT_LEASE_TIMING, LeaderElector } from './leader.js';
import { OperatorMetrics } from './metrics.js';
import { Reconciler, stackKey } from './reconciler.js';
import { WorkQueue, type WorkQueueOptions } from './workqueue.js';

/**
 * Which child events re-check the stack. Workloads, Jobs and Pods report readiness, so every
 * change counts; a Secret update is a rotation (the pods must roll); for the rest only a
 * deletion matters (their adds and updates are the operator's own writes, whose intent it knows).
 */
const ENQUEUING_EVENTS = new Map<Kind, ReadonlySet<InformerEvent>>([
  [KINDS.deployment, new Set(['add', 'update', 'delete'])],
  [KINDS.statefulSet, new Set(['add', 'update', 'delete'])],
  [KINDS.job, new Set(['add', 'update', 'delete'])],
  [KINDS.pod, new Set(['add', 'update', 'delete'])],
  [KINDS.secret, new Set(['update', 'delete'])],
]);
const DELETE_ONLY: ReadonlySet<InformerEvent> = new Set(['delete']);

export interface OperatorOptions {
  identity: string;
  leaseNamespace: string;
  leaseName: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  /** Port for /healthz, /readyz, /metrics (0: any free port; undefined: no server). */
  probePort: number | undefined;
  probeHost: string;
  /** Every stack is reconciled again this often. */
  resyncMs: number;
  pollMs: number;
  /** How long discovery results (monitoring and CloudNativePG CRDs) are reused. */
  discoveryTtlMs: number;
  informerRestartBaseMs: number;
  queue: Partial<WorkQueueOptions>;
  dashboards: readonly Dashboard[] | undefined;
  writeQps: number;
  writeBurst: number;
  defaultMetrics: boolean;
  /**
   * Namespaces to watch (stacks, their objects, GPU pods), one informer per kind and namespace;
   * empty: all namespaces. Dashboard ConfigMaps in another namespace need it in the list too.
   */
  watchNamespaces: readonly string[];
  log: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
}

export function defaultOptions(): OperatorOptions {
  return {
    identity: `${hostname()}-${process.pid}`,
    leaseNamespace: process.env.POD_NAMESPACE ?? 'elwosa-system',
    leaseName: 'elwosa-operator',
    ...DEFAULT_LEASE_TIMING,
    probePort: 8080,
    probeHost: '0.0.0.0',
    resyncMs: 10 * 60_000,
    pollMs: 15_000,
    discoveryTtlMs: 60_000,
    informerRestartBaseMs: 1000,
    queue: {},
    dashboards: undefined,
    // 100 stacks × ~46 writes each must settle well within 30 s; kube-apiserver admits 200
    // mutating requests in flight by default and API Priority and Fairness protects it.
    writeQps: 200,
    writeBurst: 400,
    defaultMetrics: true,
    watchNamespaces: [],
    log: (level, message, fields) => {
      const line = JSON.stringify({ level, time: new Date().toISOString(), msg: message, ...fields });
      if (level === 'info') process.stdout.write(`${line}\n`);
      else console.error(line);
    },
  };
}

export class Operator {
  readonly metrics: OperatorMetrics;
  readonly options: OperatorOptions;
  private readonly api: KubeApi;
  private readonly leaseApi: KubeApi;
  private readonly elector: LeaderElector;
  private readonly reconciler: Reconciler;
  /** Every informer, by kind and namespace ('*': all namespaces). */
  private readonly informers = new Map<string, ResilientInformer>();
  /** What the reconciler reads, by kind: the informer, or the informers of the watch list together. */
  private readonly caches = new Map<string, ObjectCache>();
  private readonly lastGeneration = new Map<string, number | undefined>();
  private queue: WorkQueue | undefined;
  private probes: ProbeServer | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private discovery: { at: number; value: Capabilities } | undefined;
  private transition: Promise<void> = Promise.resolve();

  constructor(
    private readonly kc: KubeConfig,
    options: Partial<OperatorOptions> = {},
  ) {
    this.options = { ...defaultOptions(), ...options };
    this.metrics = new OperatorMetrics(this.options.defaultMetrics);
    this.metrics.queueDepthFrom(() => this.queue?.depth ?? 0);
    const onWrite = (verb: string) => this.metrics.writes.inc({ verb });
    this.api = new KubeApi(kc, {
      qps: this.options.writeQps,
      burst: this.options.writeBurst,
      onWrite,
      writeGuard: () => this.elector.isLeader(),
    });
    this.leaseApi = new KubeApi(kc);
    this.elector = new LeaderElector(
      this.leaseApi,
      {
        namespace: this.options.leaseNamespace,
        name: this.options.leaseName,
        identity: this.options.identity,
        leaseDurationMs: this.options.leaseDurationMs,
        renewDeadlineMs: this.options.renewDeadlineMs,
        retryPeriodMs: this.options.retryPeriodMs,
      },
      {
        onStartedLeading: () => this.serialise(() => this.startLeading()),
        onStoppedLeading: () => this.serialise(() => this.stopLeading()),
        onError: (err) =>
          this.options.log('warn', 'leader election attempt failed', {
            lease: `${this.options.leaseNamespace}/${this.options.leaseName}`,
            error: err instanceof Error ? err.message : String(err),
          }),
      },
    );
    this.reconciler = new Reconciler({
      api: this.api,
      cache: (kind) => this.caches.get(kindKey(kind)),
      capabilities: () => this.capabilities(),
      dashboards: this.options.dashboards ?? loadDashboards(),
      events: new EventRecorder(this.api, this.options.identity, (err) =>
        this.options.log('warn', 'event not recorded', { error: String(err) }),
      ),
      metrics: this.metrics,
      operatorVersion: OPERATOR_VERSION,
      pollMs: this.options.pollMs,
      ...(this.options.watchNamespaces.length > 0 ? { namespaces: this.options.watchNamespaces } : {}),
    });
  }

  get isLeader(): boolean {
    return this.elector.isLeader();
  }

  get probePort(): number | undefined {
    return this.probes?.port;
  }

  async start(): Promise<void> {
    if (this.options.probePort !== undefined) {
      this.probes = await startProbeServer(
        this.options.probePort,
        this.metrics.registry,
        () => this.ready(),
        this.options.probeHost,
      );
    }
    this.elector.start();
  }

  /** Graceful shutdown: stop reconciling (in-flight reconciles finish), stop informers, release the Lease. */
  async stop(): Promise<void> {
    await this.transition;
    await this.stopLeading();
    await this.elector.stop();
    await this.transition;
    await this.probes?.close();
  }

  /** Ready: informers synced while leading; a standby instance is ready (it only waits). */
  ready(): boolean {
    if (!this.elector.isLeader()) return true;
    return [...this.informers.values()].every((i) => i.synced);
  }

  /** Wait until the queue is empty and nothing is processing. */
  async idle(): Promise<void> {
    await this.queue?.idle();
  }

  private serialise(step: () => Promise<void>): void {
    this.transition = this.transition.then(step, step);
  }

  private async startLeading(): Promise<void> {
    this.metrics.leader.set(1);
    this.options.log('info', 'started leading', { identity: this.options.identity });
    const queue = new WorkQueue(
      async (key) => {
        const end = this.metrics.duration.startTimer();
        try {
          const result = await this.reconciler.reconcile(key);
          this.metrics.reconciles.inc({ result: 'success' });
          return result;
        } catch (err) {
          this.metrics.reconciles.inc({ result: 'error' });
          this.metrics.errors.inc();
          throw err;
        } finally {
          end();
        }
      },
      this.options.queue,
      (key, err) =>
        this.options.log('warn', 'reconcile failed; retrying with backoff', {
          stack: key,
          error: err instanceof Error ? err.message : String(err),
        }),
    );
    this.queue = queue;
    const stackInformer = this.informer(KINDS.stack, undefined, (event, obj) =>
      this.onStackEvent(event, obj),
    );
    const owned = CORE_OWNED_KINDS.map((kind) =>
      this.informer(kind, `${LABEL.managedBy}=${MANAGED_BY}`, (event, obj) =>
        this.onChildEvent(kind, event, obj),
      ),
    );
    const pods = this.informer(
      KINDS.pod,
      `${LABEL.managedBy}=${MANAGED_BY},${LABEL.component}=ollama`,
      (event, obj) => this.onChildEvent(KINDS.pod, event, obj),
    );
    // Child caches first, so the first reconciles see existing objects; then the stacks.
    await Promise.all([...owned, pods].flat().map((i) => i.start()));
    await Promise.all(stackInformer.map((i) => i.start()));
    queue.start();
    this.resyncTimer = setInterval(() => this.resync(), this.options.resyncMs);
    this.resyncTimer.unref();
  }

  private async stopLeading(): Promise<void> {
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    this.resyncTimer = undefined;
    const queue = this.queue;
    this.queue = undefined;
    await queue?.stop();
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
    this.informers.clear();
    this.caches.clear();
    this.lastGeneration.clear();
    if (queue) this.options.log('info', 'stopped leading', { identity: this.options.identity });
    this.metrics.leader.set(0);
  }

  /** The informers of a kind: one for all namespaces, or one per watched namespace. */
  private informer(
    kind: Kind,
    labelSelector: string | undefined,
    onEvent: (event: InformerEvent, obj: KubeObjectJson) => void,
  ): ResilientInformer[] {
    const namespaces = this.options.watchNamespaces;
    if (namespaces.length === 0) {
      const informer = this.namespaceInformer(kind, undefined, labelSelector, onEvent);
      this.caches.set(kindKey(kind), informer);
      return [informer];
    }
    const byNamespace = new Map(
      namespaces.map((ns) => [ns, this.namespaceInformer(kind, ns, labelSelector, onEvent)] as const),
    );
    this.caches.set(kindKey(kind), new NamespacedCache(byNamespace));
    return [...byNamespace.values()];
  }

  private namespaceInformer(
    kind: Kind,
    namespace: string | undefined,
    labelSelector: string | undefined,
    onEvent: (event: InformerEvent, obj: KubeObjectJson) => void,
  ): ResilientInformer {
    const informer = new ResilientInformer(this.kc, this.api, {
      kind,
      ...(namespace ? { namespace } : {}),
      ...(labelSelector ? { labelSelector } : {}),
      onEvent,
      onError: (k, err) => {
        this.metrics.informerRestarts.inc({ kind: k.kind });
        this.options.log('warn', 'informer error; restarting with backoff', {
          kind: k.kind,
          error: err instanceof Error ? err.message : String(err),
        });
      },
      restartBaseMs: this.options.informerRestartBaseMs,
    });
    this.informers.set(`${kindKey(kind)}|${namespace ?? '*'}`, informer);
    return informer;
  }

  /** Enqueue on create, spec changes (generation) and deletion; our own status writes change neither. */
  private onStackEvent(event: InformerEvent, obj: KubeObjectJson): void {
    const key = stackKey(obj.metadata.namespace ?? '', obj.metadata.name);
    if (event === 'delete') {
      this.lastGeneration.delete(key);
      this.queue?.add(key);
      return;
    }
    const generation = obj.metadata.generation;
    const seen = this.lastGeneration.has(key);
    const changed =
      !seen || this.lastGeneration.get(key) !== generation || obj.metadata.deletionTimestamp !== undefined;
    this.lastGeneration.set(key, generation);
    if (changed) this.queue?.add(key);
  }

  /** A child changed: re-check its stack when the change can matter (see ENQUEUING_EVENTS). */
  private onChildEvent(kind: Kind, event: InformerEvent, obj: KubeObjectJson): void {
    if (!(ENQUEUING_EVENTS.get(kind) ?? DELETE_ONLY).has(event)) return;
    const name = obj.metadata.labels?.[LABEL.stack];
    const namespace = obj.metadata.labels?.[LABEL.stackNamespace];
    if (name && namespace) this.queue?.add(stackKey(namespace, name));
  }

  /** The periodic resync, now: every stack is reconciled again. */
  resyncNow(): void {
    this.resync();
  }

  private resync(): void {
    this.discovery = undefined;
    for (const s of this.caches.get(kindKey(KINDS.stack))?.list() ?? [])
      this.queue?.add(stackKey(s.metadata.namespace ?? '', s.metadata.name));
  }

  private async capabilities(): Promise<Capabilities> {
    const now = Date.now();
    if (this.discovery && now - this.discovery.at < this.options.discoveryTtlMs) return this.discovery.value;
    const [monitoring, cloudNativePG] = await Promise.all([
      this.api.serves('monitoring.coreos.com/v1', ['servicemonitors', 'prometheusrules']),
      this.api.serves('postgresql.cnpg.io/v1', ['clusters']),
    ]);
    this.discovery = { at: now, value: { monitoring, cloudNativePG } };
    return this.discovery.value;
  }
}

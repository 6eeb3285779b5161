// client-node's ListWatch informer, kept alive: it stops itself on any error other than 410 and
// timeouts, so restart it with exponential backoff; 410 Gone makes it re-list by itself.
import { type KubeConfig, type KubernetesObject, makeInformer } from '@kubernetes/client-node';
import { collectionPath, type Kind } from './kinds.js';
import type { KubeApi, KubeObjectJson } from './kube-api.js';

/** Drop what the operator never reads from cached objects (like controller-runtime's transform). */
function slim(obj: KubeObjectJson): KubeObjectJson {
  delete obj.metadata.managedFields;
  if (obj.metadata.annotations)
    delete obj.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'];
  return obj;
}

export type InformerEvent = 'add' | 'update' | 'delete';

export interface InformerOptions {
  kind: Kind;
  labelSelector?: string;
  /** Watch one namespace (default: all). */
  namespace?: string;
  onEvent: (event: InformerEvent, obj: KubeObjectJson) => void;
  onError?: (kind: Kind, err: unknown) => void;
  restartBaseMs?: number;
  restartMaxMs?: number;
}

export class ResilientInformer {
  private readonly informer;
  private restartDelay: number;
  private restartTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** The cache is filled from a completed list (false while restarting after an error). */
  synced = false;
  private errors = 0;

  constructor(
    kc: KubeConfig,
    api: KubeApi,
    private readonly opts: InformerOptions,
  ) {
    const { kind, labelSelector, namespace } = opts;
    const listFn = async () =>
      (await api.list(kind, namespace, labelSelector)) as unknown as {
        items: KubernetesObject[];
        metadata: { resourceVersion?: string };
      };
    this.informer = makeInformer<KubernetesObject>(
      kc,
      collectionPath(kind, namespace),
      listFn as never,
      labelSelector,
    );
    this.restartDelay = opts.restartBaseMs ?? 1000;
    for (const event of ['add', 'update', 'delete'] as const) {
      // The cache holds the very object passed to the callbacks: slimming it here slims the cache.
      this.informer.on(event, (obj) => opts.onEvent(event, slim(obj as unknown as KubeObjectJson)));
    }
    this.informer.on('error', (err) => this.onError(err));
  }

  async start(): Promise<void> {
    this.stopped = false;
    const errorsBefore = this.errors;
    try {
      await this.informer.start();
    } catch (err) {
      this.onError(err);
    }
    if (this.errors === errorsBefore && !this.stopped) {
      this.synced = true;
      this.restartDelay = this.opts.restartBaseMs ?? 1000;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    await this.informer.stop();
  }

  get(namespace: string | undefined, name: string): KubeObjectJson | undefined {
    return this.informer.get(name, namespace) as KubeObjectJson | undefined;
  }

  list(namespace?: string): readonly KubeObjectJson[] {
    return this.informer.list(namespace) as unknown as readonly KubeObjectJson[];
  }

  private onError(err: unknown): void {
    this.errors++;
    if (this.stopped) return; // stop() aborts the watch; that is not an error
    this.synced = false;
    this.opts.onError?.(this.opts.kind, err);
    if (this.restartTimer) return;
    const delay = this.restartDelay;
    this.restartDelay = Math.min(this.opts.restartMaxMs ?? 30_000, this.restartDelay * 2);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (!this.stopped) void this.start();
    }, delay);
    this.restartTimer.unref();
  }
}

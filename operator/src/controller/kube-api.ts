// A thin JSON client over the Kubernetes REST API, authenticated through client-node's
// KubeConfig (in-cluster, kubeconfig, TLS). Objects stay plain JSON (no model classes with
// renamed fields or Date conversions). Writes pass a client-side token bucket (the JS client
// has none). Server-side apply always uses one fieldManager and force.
import { type HttpMethod, type KubeConfig, RequestContext } from '@kubernetes/client-node';
import { type Dispatcher, fetch } from 'undici';
import { collectionPath, type Kind, kindOf, objectPath } from './kinds.js';
import { TokenBucket } from './rate-limit.js';

export const FIELD_MANAGER = 'elwosa-operator';
const DISPATCHER_TTL_MS = 10 * 60_000;

export class KubeError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

export const isStatus = (err: unknown, ...codes: number[]) =>
  err instanceof KubeError && codes.includes(err.code);

export interface KubeObjectJson {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    finalizers?: string[];
    deletionTimestamp?: string;
    ownerReferences?: { uid: string; kind: string; name: string; controller?: boolean }[];
    [k: string]: unknown;
  };
  [field: string]: unknown;
}

export interface ListResult {
  metadata: { resourceVersion?: string };
  items: KubeObjectJson[];
}

export type WriteCounter = (method: string, kind: string) => void;

export class KubeApi {
  private readonly server: string;
  private readonly writes: TokenBucket;
  private readonly onWrite: WriteCounter;
  /**
   * client-node builds a new undici Agent for every request (a new TCP/TLS connection each
   * time). One dispatcher is kept instead so connections are reused, and renewed every
   * DISPATCHER_TTL_MS to pick up rotated certificate files.
   */
  private dispatcher: { value: Dispatcher | undefined; at: number } | undefined;
  /** Fencing: writes are refused while this returns false (e.g. leadership lost). */
  private readonly writeGuard: () => boolean;

  constructor(
    private readonly kc: KubeConfig,
    opts: { qps?: number; burst?: number; onWrite?: WriteCounter; writeGuard?: () => boolean } = {},
  ) {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error('no current cluster in the kubeconfig');
    this.server = cluster.server.replace(/\/+$/, '');
    this.writes = new TokenBucket(opts.qps ?? 20, opts.burst ?? 30);
    this.onWrite = opts.onWrite ?? (() => {});
    this.writeGuard = opts.writeGuard ?? (() => true);
  }

  async request<T>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    opts: { query?: Record<string, string>; body?: unknown; contentType?: string } = {},
  ): Promise<T> {
    if (method !== 'GET') {
      if (!this.writeGuard())
        throw new KubeError(
          0,
          'NotLeader',
          `${method} ${path}: refused, this instance does not hold the leader Lease`,
        );
      await this.writes.take();
      this.onWrite(method, path);
    }
    const url = new URL(this.server + path);
    for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, v);
    const ctx = new RequestContext(url.toString(), method as HttpMethod);
    await this.kc.applySecurityAuthentication(ctx);
    const dispatcher = this.reuseDispatcher(ctx);
    const headers: Record<string, string> = { ...ctx.getHeaders(), accept: 'application/json' };
    if (opts.body !== undefined) headers['content-type'] = opts.contentType ?? 'application/json';
    const res = await fetch(url, {
      method,
      headers,
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
      ...(dispatcher ? { dispatcher } : {}),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    if (!res.ok) {
      let status: { reason?: string; message?: string } = {};
      try {
        status = JSON.parse(text) as typeof status;
      } catch {
        status = { message: text };
      }
      throw new KubeError(
        res.status,
        status.reason ?? String(res.status),
        `${method} ${path}: ${res.status} ${status.message ?? ''}`.trim(),
      );
    }
    return (text ? JSON.parse(text) : {}) as T;
  }

  private reuseDispatcher(ctx: RequestContext): Dispatcher | undefined {
    const now = Date.now();
    if (!this.dispatcher || now - this.dispatcher.at > DISPATCHER_TTL_MS) {
      const previous = this.dispatcher?.value;
      this.dispatcher = { value: ctx.getDispatcher() as Dispatcher | undefined, at: now };
      void previous?.close().catch(() => {});
    }
    return this.dispatcher.value;
  }

  get(kind: Kind, namespace: string | undefined, name: string): Promise<KubeObjectJson> {
    return this.request('GET', objectPath(kind, namespace, name));
  }

  /** The object, or undefined when it does not exist. */
  async find(kind: Kind, namespace: string | undefined, name: string): Promise<KubeObjectJson | undefined> {
    try {
      return await this.get(kind, namespace, name);
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }
  }

  list(kind: Kind, namespace?: string, labelSelector?: string): Promise<ListResult> {
    return this.request('GET', collectionPath(kind, namespace), {
      query: labelSelector ? { labelSelector } : {},
    });
  }

  /** Server-side apply of a fully specified intent (one field manager, force). */
  apply(obj: KubeObjectJson, subresource?: 'status'): Promise<KubeObjectJson> {
    const kind = kindOf(obj);
    return this.request('PATCH', objectPath(kind, obj.metadata.namespace, obj.metadata.name, subresource), {
      query: { fieldManager: FIELD_MANAGER, force: 'true' },
      body: obj,
      contentType: 'application/apply-patch+yaml',
    });
  }

  create(obj: KubeObjectJson): Promise<KubeObjectJson> {
    const kind = kindOf(obj);
    return this.request('POST', collectionPath(kind, obj.metadata.namespace), {
      query: { fieldManager: FIELD_MANAGER },
      body: obj,
    });
  }

  replace(obj: KubeObjectJson): Promise<KubeObjectJson> {
    const kind = kindOf(obj);
    return this.request('PUT', objectPath(kind, obj.metadata.namespace, obj.metadata.name), {
      query: { fieldManager: FIELD_MANAGER },
      body: obj,
    });
  }

  mergePatch(
    kind: Kind,
    namespace: string | undefined,
    name: string,
    patch: unknown,
  ): Promise<KubeObjectJson> {
    return this.request('PATCH', objectPath(kind, namespace, name), {
      query: { fieldManager: FIELD_MANAGER },
      body: patch,
      contentType: 'application/merge-patch+json',
    });
  }

  /** Delete; a missing object is not an error. */
  async delete(
    kind: Kind,
    namespace: string | undefined,
    name: string,
    propagationPolicy: 'Background' | 'Orphan' = 'Background',
  ): Promise<void> {
    try {
      await this.request('DELETE', objectPath(kind, namespace, name), { body: { propagationPolicy } });
    } catch (err) {
      if (!isStatus(err, 404)) throw err;
    }
  }

  /** Whether the API server serves these resources (discovery of one group version). */
  async serves(apiVersion: string, plurals: string[]): Promise<boolean> {
    try {
      const list = await this.request<{ resources?: { name: string }[] }>('GET', `/apis/${apiVersion}`);
      const names = new Set((list.resources ?? []).map((r) => r.name));
      return plurals.every((p) => names.has(p));
    } catch (err) {
      if (isStatus(err, 404)) return false;
      throw err;
    }
  }
}

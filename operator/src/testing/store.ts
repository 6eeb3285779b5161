// The in-memory object store behind the test API server: API semantics without HTTP.
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { applyDefaults } from '../api/schema.js';
import {
  applyIntent,
  getPath,
  type KubeRecord,
  MAIN_SCOPE,
  managedFieldsOf,
  type Ownership,
  recordUpdate,
  STATUS_SCOPE,
} from './fields.js';
import { BUILTIN_RESOURCES, groupVersion, type ResourceType, resourcesOfCrd } from './resources.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';
export interface StoreEvent {
  rv: number;
  type: ResourceType;
  event: EventType;
  object: KubeRecord;
}

interface Stored {
  type: ResourceType;
  object: KubeRecord;
  ownership: Ownership;
}

interface Meta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  labels?: Record<string, string>;
  finalizers?: string[];
  deletionTimestamp?: string;
  creationTimestamp?: string;
  ownerReferences?: { uid: string }[];
  managedFields?: unknown;
}
const meta = (o: KubeRecord) => o.metadata as Meta;

export const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
const typeKey = (t: { group: string; plural: string }) => `${t.group}/${t.plural}`;
const objectKey = (t: ResourceType, ns: string | undefined, name: string) =>
  `${typeKey(t)}/${t.namespaced ? (ns ?? '') : ''}/${name}`;

/** Everything except metadata and status: a change bumps metadata.generation. */
function specOf(o: KubeRecord): KubeRecord {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = o;
  return rest;
}

function withoutManagedFields(o: KubeRecord | undefined): KubeRecord | undefined {
  if (!o) return o;
  const { managedFields: _mf, ...m } = meta(o);
  return { ...o, metadata: m };
}

export interface WriteOptions {
  manager: string;
  subresource?: 'status';
}

export class ObjectStore {
  private readonly types = new Map<string, ResourceType>();
  private readonly objects = new Map<string, Stored>();
  private readonly history: StoreEvent[] = [];
  private readonly listeners = new Set<(e: StoreEvent) => void>();
  private rv = 1;
  /** Watches from a resourceVersion below this get 410 Gone. */
  private oldestRv = 1;

  constructor() {
    for (const t of BUILTIN_RESOURCES) this.register(t);
  }

  get resourceVersion(): number {
    return this.rv;
  }

  register(t: ResourceType): void {
    this.types.set(`${groupVersion(t)}/${t.plural}`, t);
  }

  resourceTypes(): ResourceType[] {
    return [...this.types.values()];
  }

  resourceType(group: string, version: string, plural: string): ResourceType | undefined {
    return this.types.get(`${group ? `${group}/` : ''}${version}/${plural}`);
  }

  subscribe(listener: (e: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Forget history: watches from older resourceVersions now get 410 Gone. */
  compact(): void {
    this.history.length = 0;
    this.oldestRv = this.rv;
  }

  eventsSince(t: ResourceType, rv: number): StoreEvent[] {
    if (rv < this.oldestRv)
      throw new ApiError(410, 'Expired', `too old resource version: ${rv} (${this.oldestRv})`);
    return this.history.filter((e) => e.rv > rv && typeKey(e.type) === typeKey(t));
  }

  get(t: ResourceType, ns: string | undefined, name: string): KubeRecord {
    const s = this.objects.get(objectKey(t, ns, name));
    if (!s)
      throw new ApiError(404, 'NotFound', `${t.plural}${t.group ? `.${t.group}` : ''} "${name}" not found`);
    return structuredClone(s.object);
  }

  list(
    t: ResourceType,
    ns: string | undefined,
    labelSelector?: string | null,
    fieldSelector?: string | null,
  ): KubeRecord[] {
    const matchLabels = parseLabelSelector(labelSelector);
    const matchFields = parseFieldSelector(fieldSelector);
    const prefix = `${typeKey(t)}/`;
    const out: KubeRecord[] = [];
    for (const [key, s] of this.objects) {
      if (!key.startsWith(prefix)) continue;
      const m = meta(s.object);
      if (t.namespaced && ns && m.namespace !== ns) continue;
      if (!matchLabels(m.labels) || !matchFields(s.object)) continue;
      out.push(structuredClone(s.object));
    }
    return out;
  }

  create(t: ResourceType, ns: string | undefined, body: KubeRecord, opts: WriteOptions): KubeRecord {
    const m = meta(body);
    if (!m?.name) throw new ApiError(422, 'Invalid', 'metadata.name: Required value');
    const key = objectKey(t, ns, m.name);
    if (this.objects.has(key))
      throw new ApiError(409, 'AlreadyExists', `${t.plural} "${m.name}" already exists`);
    const object = this.prepareNew(t, ns, body);
    const ownership = recordUpdate(undefined, object, new Map(), opts.manager, now());
    return this.commit(key, { type: t, object, ownership }, undefined);
  }

  update(
    t: ResourceType,
    ns: string | undefined,
    name: string,
    body: KubeRecord,
    opts: WriteOptions,
  ): KubeRecord {
    const key = objectKey(t, ns, name);
    const stored = this.objects.get(key);
    if (!stored) throw new ApiError(404, 'NotFound', `${t.plural} "${name}" not found`);
    const expected = meta(body)?.resourceVersion;
    if (expected && expected !== meta(stored.object).resourceVersion) {
      throw new ApiError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${t.plural} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      );
    }
    const after = this.scopeWrite(t, stored.object, body, opts.subresource);
    const ownership = recordUpdate(stored.object, after, stored.ownership, opts.manager, now());
    return this.commit(key, { type: t, object: after, ownership }, stored.object);
  }

  apply(
    t: ResourceType,
    ns: string | undefined,
    name: string,
    intent: KubeRecord,
    opts: WriteOptions & { force: boolean },
  ): KubeRecord {
    const key = objectKey(t, ns, name);
    const stored = this.objects.get(key);
    const scope =
      opts.subresource === 'status' ? STATUS_SCOPE : t.statusSubresource ? MAIN_SCOPE : () => true;
    if (!stored) {
      if (opts.subresource) throw new ApiError(404, 'NotFound', `${t.plural} "${name}" not found`);
      const base = this.prepareNew(t, ns, {
        apiVersion: intent.apiVersion,
        kind: intent.kind,
        metadata: { name },
      });
      const { object, ownership } = applyIntent(
        base,
        intent,
        new Map(),
        opts.manager,
        opts.force,
        now(),
        scope,
      );
      return this.commit(key, { type: t, object: this.admit(t, object), ownership }, undefined);
    }
    const { object, ownership } = applyIntent(
      stored.object,
      intent,
      stored.ownership,
      opts.manager,
      opts.force,
      now(),
      scope,
    );
    return this.commit(key, { type: t, object: this.admit(t, object), ownership }, stored.object);
  }

  /** JSON merge patch (RFC 7386); strategic merge patches are treated the same way. */
  mergePatch(
    t: ResourceType,
    ns: string | undefined,
    name: string,
    patch: KubeRecord,
    opts: WriteOptions,
  ): KubeRecord {
    return this.update(t, ns, name, mergeJson(this.get(t, ns, name), patch) as KubeRecord, opts);
  }

  delete(t: ResourceType, ns: string | undefined, name: string, orphan = false): KubeRecord {
    const key = objectKey(t, ns, name);
    const stored = this.objects.get(key);
    if (!stored) throw new ApiError(404, 'NotFound', `${t.plural} "${name}" not found`);
    const m = meta(stored.object);
    if ((m.finalizers ?? []).length > 0) {
      if (m.deletionTimestamp) return structuredClone(stored.object);
      const object = structuredClone(stored.object);
      meta(object).deletionTimestamp = now();
      return this.commit(key, { ...stored, object }, stored.object);
    }
    return this.remove(key, stored, orphan);
  }

  private remove(key: string, stored: Stored, orphan = false): KubeRecord {
    this.objects.delete(key);
    const object = structuredClone(stored.object);
    meta(object).resourceVersion = String(++this.rv);
    this.emit({ rv: this.rv, type: stored.type, event: 'DELETED', object });
    if (stored.type.plural === 'customresourcedefinitions' && stored.type.group === 'apiextensions.k8s.io')
      this.unregisterCrd(object);
    if (!orphan) this.collectGarbage(meta(object).uid as string);
    return object;
  }

  /** Owner-reference garbage collection (background propagation). */
  private collectGarbage(ownerUid: string): void {
    for (const s of [...this.objects.values()]) {
      const m = meta(s.object);
      if (!(m.ownerReferences ?? []).some((r) => r.uid === ownerUid)) continue;
      try {
        this.delete(s.type, m.namespace, m.name);
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 404)) throw err;
      }
    }
  }

  private unregisterCrd(crd: KubeRecord): void {
    for (const r of resourcesOfCrd(crd as never)) {
      this.types.delete(`${groupVersion(r)}/${r.plural}`);
      for (const [key, s] of [...this.objects]) if (typeKey(s.type) === typeKey(r)) this.remove(key, s);
    }
  }

  private prepareNew(t: ResourceType, ns: string | undefined, body: KubeRecord): KubeRecord {
    const object = structuredClone(body);
    const m = { ...meta(object) };
    if (t.namespaced) m.namespace = ns ?? m.namespace ?? 'default';
    else delete m.namespace;
    m.uid = randomUUID();
    m.creationTimestamp = now();
    m.generation = 1;
    delete m.resourceVersion;
    delete m.deletionTimestamp;
    object.metadata = m;
    object.apiVersion = groupVersion(t);
    object.kind = t.kind;
    return this.admit(t, object);
  }

  /** What the API server does to every written object: CRD defaulting, Secret stringData. */
  private admit(t: ResourceType, object: KubeRecord): KubeRecord {
    if (t.group === '' && t.plural === 'secrets' && object.stringData) {
      const { stringData, ...rest } = object;
      const encoded = Object.fromEntries(
        Object.entries(stringData as Record<string, string>).map(([k, v]) => [
          k,
          Buffer.from(v).toString('base64'),
        ]),
      );
      return { ...rest, data: { ...(rest.data as Record<string, string> | undefined), ...encoded } };
    }
    return t.schema ? (applyDefaults(t.schema, object) as KubeRecord) : object;
  }

  /** A write through the main resource keeps status (status subresource) and vice versa. */
  private scopeWrite(
    t: ResourceType,
    live: KubeRecord,
    body: KubeRecord,
    subresource?: 'status',
  ): KubeRecord {
    const server = {
      uid: meta(live).uid,
      creationTimestamp: meta(live).creationTimestamp,
      generation: meta(live).generation,
      deletionTimestamp: meta(live).deletionTimestamp,
    };
    if (subresource === 'status') return { ...structuredClone(live), status: structuredClone(body.status) };
    const after = this.admit(t, { ...structuredClone(body), apiVersion: groupVersion(t), kind: t.kind });
    after.metadata = { ...meta(after), ...server, namespace: meta(live).namespace, name: meta(live).name };
    if (t.statusSubresource) {
      if (live.status === undefined) delete after.status;
      else after.status = structuredClone(live.status);
    }
    return after;
  }

  private commit(key: string, next: Stored, before: KubeRecord | undefined): KubeRecord {
    if (before) checkImmutable(next.type, before, next.object);
    const m = meta(next.object);
    if (before && isDeepStrictEqual(withoutManagedFields(before), withoutManagedFields(next.object))) {
      // A no-op write: nothing changes, not even the resourceVersion.
      this.objects.set(key, { ...next, object: before });
      return structuredClone(before);
    }
    if (before && !isDeepStrictEqual(specOf(before), specOf(next.object)))
      m.generation = (meta(before).generation ?? 1) + 1;
    m.resourceVersion = String(++this.rv);
    m.managedFields = managedFieldsOf(next.ownership, groupVersion(next.type));
    if (m.deletionTimestamp && (m.finalizers ?? []).length === 0) {
      this.objects.set(key, next);
      return this.remove(key, next);
    }
    this.objects.set(key, next);
    if (next.type.plural === 'customresourcedefinitions' && next.type.group === 'apiextensions.k8s.io')
      this.establishCrd(next);
    this.emit({
      rv: this.rv,
      type: next.type,
      event: before ? 'MODIFIED' : 'ADDED',
      object: structuredClone(next.object),
    });
    return structuredClone(next.object);
  }

  private establishCrd(stored: Stored): void {
    for (const r of resourcesOfCrd(stored.object as never)) this.register(r);
    const spec = stored.object.spec as { names: unknown };
    stored.object.status = {
      acceptedNames: spec.names,
      storedVersions: (stored.object.spec as { versions: { name: string; storage: boolean }[] }).versions
        .filter((v) => v.storage)
        .map((v) => v.name),
      conditions: [
        {
          type: 'NamesAccepted',
          status: 'True',
          reason: 'NoConflicts',
          message: 'no conflicts found',
          lastTransitionTime: now(),
        },
        {
          type: 'Established',
          status: 'True',
          reason: 'InitialNamesAccepted',
          message: 'the initial names have been accepted',
          lastTransitionTime: now(),
        },
      ],
    };
  }

  private emit(e: StoreEvent): void {
    this.history.push(e);
    for (const l of this.listeners) l(e);
  }
}

/** Fields the API server refuses to change after creation (the ones the operator may touch). */
const IMMUTABLE_FIELDS: Record<string, string[][]> = {
  'apps/deployments': [['spec', 'selector']],
  'apps/statefulsets': [
    ['spec', 'selector'],
    ['spec', 'volumeClaimTemplates'],
    ['spec', 'serviceName'],
    ['spec', 'podManagementPolicy'],
  ],
  'batch/jobs': [
    ['spec', 'selector'],
    ['spec', 'template'],
  ],
};

function checkImmutable(t: ResourceType, before: KubeRecord, after: KubeRecord): void {
  for (const path of IMMUTABLE_FIELDS[typeKey(t)] ?? []) {
    if (!isDeepStrictEqual(getPath(before, path), getPath(after, path))) {
      throw new ApiError(
        422,
        'Invalid',
        `${t.kind}.${t.group} "${meta(after).name}" is invalid: ${path.join('.')}: Forbidden: field is immutable`,
      );
    }
  }
}

export function mergeJson(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return structuredClone(patch);
  const out: KubeRecord =
    target !== null && typeof target === 'object' && !Array.isArray(target)
      ? { ...(target as KubeRecord) }
      : {};
  for (const [k, v] of Object.entries(patch as KubeRecord)) {
    if (v === null) delete out[k];
    else out[k] = mergeJson(out[k], v);
  }
  return out;
}

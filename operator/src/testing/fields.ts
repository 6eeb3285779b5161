// Field ownership for server-side apply, at "top-level field" granularity: a path is a
// second-level field (`spec.replicas`, `spec.template`, `data.<key>`), a single label or
// annotation (`metadata.labels.<key>`), `metadata.ownerReferences`, `metadata.finalizers`, or a
// top-level scalar (`type`). Lists and deeper structure are atomic below that level.
import { isDeepStrictEqual } from 'node:util';

export type FieldPath = readonly string[];
export type KubeRecord = Record<string, unknown>;

/** Keys of objects the API server owns; never part of anyone's intent. */
const SERVER_METADATA = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
  'generateName',
]);
const IDENTITY = new Set(['apiVersion', 'kind']);

const isObject = (v: unknown): v is KubeRecord => v !== null && typeof v === 'object' && !Array.isArray(v);

export const pathKey = (p: FieldPath) => p.join('\u0000');
export const keyPath = (k: string): FieldPath => k.split('\u0000');

/** The owned paths (and their values) an object sets. */
export function fieldPaths(obj: KubeRecord): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [top, value] of Object.entries(obj)) {
    if (IDENTITY.has(top) || value === undefined) continue;
    if (top === 'metadata' && isObject(value)) {
      for (const [field, v] of Object.entries(value)) {
        if (SERVER_METADATA.has(field) || v === undefined) continue;
        if ((field === 'labels' || field === 'annotations') && isObject(v)) {
          for (const [k, lv] of Object.entries(v)) out.set(pathKey(['metadata', field, k]), lv);
        } else out.set(pathKey(['metadata', field]), v);
      }
    } else if (isObject(value)) {
      for (const [field, v] of Object.entries(value)) if (v !== undefined) out.set(pathKey([top, field]), v);
    } else out.set(pathKey([top]), value);
  }
  return out;
}

export function getPath(obj: KubeRecord, path: FieldPath): unknown {
  let v: unknown = obj;
  for (const p of path) v = isObject(v) ? v[p] : undefined;
  return v;
}

export function setPath(obj: KubeRecord, path: FieldPath, value: unknown): void {
  let cur = obj;
  for (const p of path.slice(0, -1)) {
    if (!isObject(cur[p])) cur[p] = {};
    cur = cur[p] as KubeRecord;
  }
  cur[path[path.length - 1] as string] = structuredClone(value);
}

export function deletePath(obj: KubeRecord, path: FieldPath): void {
  const parents: KubeRecord[] = [];
  let cur: unknown = obj;
  for (const p of path.slice(0, -1)) {
    if (!isObject(cur)) return;
    parents.push(cur);
    cur = cur[p];
  }
  if (!isObject(cur)) return;
  delete cur[path[path.length - 1] as string];
  // Drop maps left empty (labels, annotations, spec sections).
  for (let i = path.length - 2; i >= 0; i--) {
    const parent = parents[i] as KubeRecord;
    const child = parent[path[i] as string];
    if (isObject(child) && Object.keys(child).length === 0 && path[i] !== 'metadata')
      delete parent[path[i] as string];
    else break;
  }
}

/** manager → owned path keys, plus the operation that last wrote them. */
export type Ownership = Map<string, { operation: 'Apply' | 'Update'; paths: Set<string>; time: string }>;

export class ConflictError extends Error {
  constructor(readonly conflicts: { manager: string; path: string }[]) {
    super(
      `Apply failed with ${conflicts.length} conflict(s): ${conflicts.map((c) => `conflict with "${c.manager}": .${keyPath(c.path).join('.')}`).join('; ')}`,
    );
  }
}

/**
 * Server-side apply of `intent` by `manager` onto `live` (a copy is returned). Paths the manager
 * owned before and no longer sets are removed unless someone else owns them too.
 */
export function applyIntent(
  live: KubeRecord,
  intent: KubeRecord,
  ownership: Ownership,
  manager: string,
  force: boolean,
  now: string,
  inScope: (key: string) => boolean = () => true,
): { object: KubeRecord; ownership: Ownership } {
  const object = structuredClone(live);
  const next: Ownership = new Map([...ownership].map(([m, o]) => [m, { ...o, paths: new Set(o.paths) }]));
  const wanted = new Map([...fieldPaths(intent)].filter(([k]) => inScope(k)));
  const conflicts: { manager: string; path: string }[] = [];
  for (const [key, value] of wanted) {
    for (const [other, owned] of next) {
      if (other === manager || !owned.paths.has(key)) continue;
      if (isDeepStrictEqual(getPath(object, keyPath(key)), value)) continue; // shared ownership
      if (force) owned.paths.delete(key);
      else conflicts.push({ manager: other, path: key });
    }
  }
  if (conflicts.length > 0) throw new ConflictError(conflicts);
  const previous = next.get(manager)?.paths ?? new Set<string>();
  for (const key of previous) {
    if (wanted.has(key) || !inScope(key)) continue;
    const ownedElsewhere = [...next].some(([m, o]) => m !== manager && o.paths.has(key));
    if (!ownedElsewhere) deletePath(object, keyPath(key));
  }
  for (const [key, value] of wanted) setPath(object, keyPath(key), value);
  const kept = [...previous].filter((k) => !inScope(k));
  next.set(manager, { operation: 'Apply', paths: new Set([...kept, ...wanted.keys()]), time: now });
  for (const [m, o] of next) if (o.paths.size === 0) next.delete(m);
  return { object, ownership: next };
}

/** Paths under `status` (the status subresource) or everything else. */
export const STATUS_SCOPE = (key: string) => keyPath(key)[0] === 'status';
export const MAIN_SCOPE = (key: string) => keyPath(key)[0] !== 'status';

/** A non-apply write (create, update, patch): the writer owns what it changed. */
export function recordUpdate(
  before: KubeRecord | undefined,
  after: KubeRecord,
  ownership: Ownership,
  manager: string,
  now: string,
): Ownership {
  const next: Ownership = new Map([...ownership].map(([m, o]) => [m, { ...o, paths: new Set(o.paths) }]));
  const beforePaths = before ? fieldPaths(before) : new Map<string, unknown>();
  const afterPaths = fieldPaths(after);
  const changed = [...afterPaths]
    .filter(([k, v]) => !isDeepStrictEqual(beforePaths.get(k), v))
    .map(([k]) => k);
  const removed = [...beforePaths.keys()].filter((k) => !afterPaths.has(k));
  for (const o of next.values()) for (const k of [...changed, ...removed]) o.paths.delete(k);
  if (changed.length > 0) {
    const mine = next.get(manager) ?? { operation: 'Update' as const, paths: new Set<string>(), time: now };
    for (const k of changed) mine.paths.add(k);
    next.set(manager, { ...mine, time: now });
  }
  for (const [m, o] of next) if (o.paths.size === 0) next.delete(m);
  return next;
}

/** metadata.managedFields in the API's FieldsV1 shape. */
export function managedFieldsOf(ownership: Ownership, apiVersion: string, subresource?: string) {
  return [...ownership].map(([manager, o]) => {
    const fieldsV1: KubeRecord = {};
    for (const key of o.paths) {
      let cur = fieldsV1;
      for (const p of keyPath(key)) {
        const f = `f:${p}`;
        if (!isObject(cur[f])) cur[f] = {};
        cur = cur[f] as KubeRecord;
      }
    }
    return {
      manager,
      operation: o.operation,
      apiVersion,
      time: o.time,
      fieldsType: 'FieldsV1',
      fieldsV1,
      ...(subresource ? { subresource } : {}),
    };
  });
}

// RFC 6902 JSON patch: add, remove, replace, test.
import type { KubeRecord } from './fields.js';
import { ApiError } from './store.js';

export interface JsonPatchOp {
  op: 'add' | 'remove' | 'replace' | 'test';
  path: string;
  value?: unknown;
}

export function applyJsonPatch(doc: KubeRecord, ops: JsonPatchOp[]): KubeRecord {
  const out = structuredClone(doc);
  for (const op of ops) {
    const parts = op.path
      .split('/')
      .slice(1)
      .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'));
    const last = parts.pop() as string;
    let parent: unknown = out;
    for (const p of parts) parent = (parent as Record<string, unknown>)[p];
    if (parent === null || typeof parent !== 'object')
      throw new ApiError(422, 'Invalid', `path ${op.path} does not exist`);
    const container = parent as Record<string, unknown> & unknown[];
    if (op.op === 'test') {
      if (JSON.stringify(container[last as never]) !== JSON.stringify(op.value))
        throw new ApiError(422, 'Invalid', `test failed at ${op.path}`);
    } else if (op.op === 'remove') {
      if (Array.isArray(container)) container.splice(Number(last), 1);
      else delete container[last];
    } else if (Array.isArray(container) && op.op === 'add') {
      container.splice(last === '-' ? container.length : Number(last), 0, op.value);
    } else container[last as never] = op.value as never;
  }
  return out;
}
